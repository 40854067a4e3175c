//! `?mode=ro` where nothing can be written (issue 9, case 7): a WAL database closed cleanly has
//! no `-shm` file, and a read-only connection cannot create one in a directory of mode 0555
//! (or on a read-only filesystem). Reading must work there; a `-wal` that still holds commits
//! is refused at `connect` with an error that says what to do.
//!
//! Root ignores mode bits, so as root this test first becomes `nobody` for its whole process
//! (it is alone in this test binary for that reason): the 0555 directory then binds it exactly
//! as it binds an application.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, User};
use authmodel::sql::{Options, SqlAdapter};

const NOBODY: u32 = 65534;

unsafe extern "C" {
    fn geteuid() -> u32;
    fn setgroups(size: usize, list: *const u32) -> i32;
    fn setgid(gid: u32) -> i32;
    fn setuid(uid: u32) -> i32;
}

/// As root: hands `dirs` to `nobody`, then becomes `nobody`, for good.
fn drop_root(dirs: &[&Path]) {
    // SAFETY: plain libc calls without pointers (setgroups gets an empty list); the test runs
    // no other thread that could observe the change half-done (glibc applies it to all).
    unsafe {
        if geteuid() != 0 {
            return;
        }
        for dir in dirs {
            std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        assert_eq!(setgroups(0, std::ptr::null()), 0, "setgroups");
        assert_eq!(setgid(NOBODY), 0, "setgid");
        assert_eq!(setuid(NOBODY), 0, "setuid");
        assert_ne!(geteuid(), 0);
    }
}

fn chmod(dir: &Path, mode: u32) {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn user(email: &str) -> User {
    User {
        id: uuid::Uuid::nil(),
        name: None,
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

fn url(dir: &Path, query: &str) -> String {
    format!("sqlite://{}{query}", dir.join("auth.db").display())
}

#[test]
fn read_only_mode_reads_a_clean_wal_file_in_a_read_only_directory() {
    let clean = tempfile::tempdir().unwrap();
    let unclean = tempfile::tempdir().unwrap();
    drop_root(&[clean.path(), unclean.path()]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // A WAL file, closed cleanly: no -wal, no -shm left.
        let auth = authmodel::connect(&url(clean.path(), "")).await.unwrap();
        let created = auth.create_user(user("ro@example.com")).await.unwrap();
        drop(auth);
        let db = clean.path().join("auth.db");
        assert!(!db.with_extension("db-shm").exists() && !db.with_extension("db-wal").exists());

        // The same file with commits still in its -wal (as after a crash) and no -shm.
        let writer = rusqlite::Connection::open(&db).unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute("UPDATE users SET name = 'in the wal only'", [])
            .unwrap();
        for suffix in ["", "-wal"] {
            let name = format!("auth.db{suffix}");
            std::fs::copy(clean.path().join(&name), unclean.path().join(&name)).unwrap();
        }
        drop(writer);

        chmod(clean.path(), 0o555);
        chmod(unclean.path(), 0o555);
        let denied = std::fs::File::create(clean.path().join("probe"));
        assert!(denied.is_err(), "the directory must be read-only here");

        for readers in [4, 0] {
            let options = Options::default().read_connections(readers);
            let auth =
                SqlAdapter::<DefaultSchema>::connect(&url(clean.path(), "?mode=ro"), options)
                    .await
                    .unwrap();
            let found = auth.get_user_by_email("ro@example.com").await.unwrap();
            assert_eq!(found.map(|u| u.id), Some(created.id), "{readers} readers");
            let by_id = auth.get_user(&created.id.to_string()).await.unwrap();
            assert!(by_id.is_some(), "{readers} readers");
        }

        let options = Options::default();
        let refused =
            SqlAdapter::<DefaultSchema>::connect(&url(unclean.path(), "?mode=ro"), options)
                .await
                .expect_err("commits in a -wal that cannot be read");
        let message = refused.to_string();
        assert!(message.contains("-wal"), "{message}");
        assert!(message.contains("mode=rw"), "{message}");

        chmod(clean.path(), 0o755);
        chmod(unclean.path(), 0o755);
    });
}

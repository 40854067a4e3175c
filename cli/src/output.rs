//! Where the commands' output goes: stdout or files.
//!
//! Entry points: `print` (stdout, where a closed pipe ends the output quietly), `emit` (stdout
//! or a file) and `write_file`. Nothing here uses `println!`, which panics on a closed pipe.

use std::io::{ErrorKind, Write};
use std::path::Path;

/// Writes `text` to stdout. A reader that has gone away (`authmodel generate | head -1`) is
/// not an error: the rest of the output is dropped and the command finishes as it would have.
pub(crate) fn print(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

/// Prints `text`, or writes it to the file `out`.
pub(crate) fn emit(text: &str, out: Option<&Path>) -> Result<(), String> {
    match out {
        None => print(text),
        Some(path) if path.is_dir() => Err(format!(
            "`{}` is a directory: name a file, or use --format sqlx for a migrations directory",
            path.display()
        )),
        Some(path) => {
            write_file(path, text)?;
            eprintln!("Wrote {}", path.display());
            Ok(())
        }
    }
}

/// Writes `text` to `path`, creating its directory.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

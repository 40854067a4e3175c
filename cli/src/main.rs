//! `authmodel`: the command line for the default models and the table layouts of Auth.js's
//! SQL adapters (`authmodel --help`; `--schema` picks the models).
//!
//! An application with models of its own builds the same command line for its schema with a
//! binary of three lines; see the library of this crate (`authmodel_cli::main`).

use authmodel::compat::{drizzle, kysely, pg, prisma};
use authmodel_cli::{Served, main_with_schemas};

fn main() -> std::process::ExitCode {
    main_with_schemas(&[
        Served::new::<authmodel::DefaultSchema>("default", "authmodel's default models"),
        Served::new::<prisma::PrismaAuth>(
            "prisma",
            "@auth/prisma-adapter, the docs' PostgreSQL schema",
        ),
        Served::new::<prisma::sqlite::PrismaSqliteAuth>(
            "prisma-sqlite",
            "@auth/prisma-adapter, the docs' SQLite schema (Prisma 7: ISO text dates)",
        ),
        Served::new::<prisma::mysql::PrismaMySqlAuth>(
            "prisma-mysql",
            "@auth/prisma-adapter, the docs' MySQL schema",
        ),
        Served::new::<prisma::epoch_ms::PrismaEpochMsAuth>(
            "prisma-epoch-ms",
            "@auth/prisma-adapter, the docs' SQLite schema, Prisma 6 and older (integer dates)",
        ),
        Served::new::<drizzle::pg::DrizzlePgAuth>(
            "drizzle-pg",
            "@auth/drizzle-adapter, PostgreSQL",
        ),
        Served::new::<drizzle::mysql::DrizzleMySqlAuth>(
            "drizzle-mysql",
            "@auth/drizzle-adapter, MySQL",
        ),
        Served::new::<drizzle::sqlite::DrizzleSqliteAuth>(
            "drizzle-sqlite",
            "@auth/drizzle-adapter, SQLite",
        ),
        Served::new::<pg::PgAdapterAuth>("pg-adapter", "@auth/pg-adapter (PostgreSQL)"),
        Served::new::<kysely::KyselyAuth>("kysely", "@auth/kysely-adapter"),
    ])
}

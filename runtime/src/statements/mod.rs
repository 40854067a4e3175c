//! Every SQL string authmodel writes, and nothing that runs one: the statements layer.
//!
//! Entry points: [`ddl`] (`CREATE TABLE` / `CREATE INDEX` / `DROP` from the models'
//! descriptors), `contract` (the adapter contract's statements), `alter` (what a migration
//! plan adds to an existing table), `catalog` (the questions a live database is asked), `compare`
//! (whether a type the catalog prints is the type the DDL declares) and `types` (the column type of each descriptor type, per dialect). Every statement is built
//! with sea-query from descriptors or written once here, and rendered per dialect through
//! [`Dialect`](crate::Dialect); values are always bound, never formatted in. The layers above
//! (`adapter`, `migrate`, `testing`) run these statements and contain no SQL text of their
//! own (docs/ARCHITECTURE.md).

pub(crate) mod alter;
pub(crate) mod catalog;
pub(crate) mod compare;
pub(crate) mod contract;
pub mod ddl;
pub(crate) mod types;

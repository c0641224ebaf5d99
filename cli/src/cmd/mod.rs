//! One module per command group.

pub mod case;
pub mod chronology;
pub mod household;
pub mod init;
pub mod note;
pub mod person;
pub mod store_admin;
pub mod visit;

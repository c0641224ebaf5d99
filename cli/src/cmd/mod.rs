//! One module per command group.

pub mod alerts;
pub mod calendar;
pub mod case;
pub mod chronology;
pub mod due;
pub mod family_copy;
pub mod household;
pub mod init;
pub mod note;
pub mod person;
pub mod plan;
pub mod queue;
pub mod store_admin;
pub mod sync;
pub mod visit;

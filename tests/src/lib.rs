//! Shared fixtures for Doorstep's cross-crate end-to-end tests: stores on disk, a sample caseload
//! written through every record type, byte scans of store files, and a small seeded random source.

pub mod dashboard;
pub mod durability;
pub mod hexkey;
pub mod kill_switch;
pub mod rng;
pub mod sample;
pub mod scan;
pub mod stores;
pub mod sync_env;
pub mod sync_world;
pub mod webdriver;

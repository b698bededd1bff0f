//! The storage round trips one request awaits: D1 statements (a batch is one), Queue sends and
//! Durable Object calls, counted where they are awaited. `POST /v1/chat` returns the count in
//! the `ferry-storage-awaits` header, so a test can hold each path to its documented number
//! (an answer awaits none; ARCHITECTURE.md, "What a request awaits").
//!
//! Work a request hands to `wait_until` is not awaited by its response and counts nowhere.

use std::cell::Cell;
use std::future::Future;

/// The response header that carries [`Trips::count`].
pub const HEADER: &str = "ferry-storage-awaits";

#[derive(Debug, Default)]
pub struct Trips(Cell<u32>);

impl Trips {
    /// Awaits one storage round trip, counting it.
    pub async fn wait<T>(&self, io: impl Future<Output = T>) -> T {
        self.0.set(self.0.get() + 1);
        io.await
    }

    pub fn count(&self) -> u32 {
        self.0.get()
    }
}

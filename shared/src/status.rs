//! The states a handoff and its deliveries go through, stored in D1 as their names. The
//! migrations' `CHECK` constraints list the same names (`tests/status_names.rs` holds them
//! together).
//!
//! A handoff is `awaiting_contact` while the site waits for the shopper's email, then
//! `queued`; its status rolls up from its deliveries: `delivered` when every destination is,
//! `failed` when one failed for good, `retrying` while one is being retried.

named_enum! {
    /// A handoff's roll-up status (`handoffs.status`).
    pub enum HandoffStatus {
        /// Waiting for the shopper's email before it goes out (`[handoff] ask_contact`).
        AwaitingContact = "awaiting_contact",
        /// Its deliveries are on the queue.
        Queued = "queued",
        /// At least one destination failed an attempt and is being retried.
        Retrying = "retrying",
        /// Every destination has it.
        Delivered = "delivered",
        /// A destination failed for good (gone, or retries exhausted).
        Failed = "failed",
    }
}

named_enum! {
    /// One destination's delivery status (`deliveries.status`).
    pub enum DeliveryStatus {
        /// The handoff waits for the shopper's email.
        Waiting = "waiting",
        Queued = "queued",
        Retrying = "retrying",
        Delivered = "delivered",
        Failed = "failed",
    }
}

named_enum! {
    /// What happened to a delivery (`delivery_events.event`).
    pub enum DeliveryEvent {
        Queued = "queued",
        Delivered = "delivered",
        /// An attempt failed; another is scheduled.
        Retry = "retry",
        /// The receiver answered that the endpoint is gone (no retry).
        Gone = "gone",
        /// Retries are exhausted; the job went to the dead-letter queue.
        DeadLettered = "dead_lettered",
        /// The dead-letter queue gave up.
        Failed = "failed",
        /// The shopper's contact arrived (`POST /v1/contact`).
        Contact = "contact",
    }
}

impl HandoffStatus {
    /// The status a new handoff is stored with, and its deliveries'.
    pub fn new(awaiting_contact: bool) -> (HandoffStatus, DeliveryStatus) {
        if awaiting_contact {
            (HandoffStatus::AwaitingContact, DeliveryStatus::Waiting)
        } else {
            (HandoffStatus::Queued, DeliveryStatus::Queued)
        }
    }
}

impl DeliveryStatus {
    /// Delivered or failed for good: a duplicate queue message must not send it again.
    pub fn is_final(self) -> bool {
        matches!(self, DeliveryStatus::Delivered | DeliveryStatus::Failed)
    }
}

//! Puts a stream of events that arrive slightly out of time order back in order.
//!
//! Live sources (several servers feeding one pipe, a network collector) deliver events a
//! little out of order; the detection core needs time order. [`Reorder`] holds events back
//! until no earlier one can still arrive within the allowed lateness (the watermark: the
//! latest time seen minus the lateness), then releases them in time order, ties in arrival
//! order. An event older than what has already been released cannot be analysed in order;
//! it is handed back to the caller, who must count it and keep it (the reject file) rather
//! than drop it. Memory is bounded by the events of one lateness span.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, Utc};

use crate::event::Event;

/// Anything with an event time: an [`Event`], or an event tagged with where it was read
/// (the streaming service must know which input lines are still held back).
pub(crate) trait Timed {
    fn ts(&self) -> DateTime<Utc>;
}

impl Timed for Event {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

struct Pending<T> {
    ts: DateTime<Utc>,
    seq: u64,
    ev: T,
}

impl<T> PartialEq for Pending<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.ts, self.seq) == (other.ts, other.seq)
    }
}
impl<T> Eq for Pending<T> {}
impl<T> PartialOrd for Pending<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Pending<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.ts, self.seq).cmp(&(other.ts, other.seq))
    }
}

/// An event that arrived after later events had already been analysed.
#[derive(Debug)]
pub(crate) struct Late<T = Event> {
    pub event: Box<T>,
    /// How far behind the last released event it is.
    pub behind: Duration,
}

/// Why an event was not analysed, for the reject file or store (field `ts`).
pub(crate) fn late_message(behind: Duration, lateness: Duration) -> String {
    format!(
        "arrived {} s behind events already analysed (allowed lateness {} s); not analysed",
        behind.num_seconds(),
        lateness.num_seconds()
    )
}

pub(crate) struct Reorder<T = Event> {
    lateness: Duration,
    heap: BinaryHeap<Reverse<Pending<T>>>,
    seq: u64,
    latest: Option<DateTime<Utc>>,
    released: Option<DateTime<Utc>>,
}

impl<T: Timed> Reorder<T> {
    pub fn new(lateness: Duration) -> Self {
        Self {
            lateness: lateness.max(Duration::zero()),
            heap: BinaryHeap::new(),
            seq: 0,
            latest: None,
            released: None,
        }
    }

    pub fn lateness(&self) -> Duration {
        self.lateness
    }

    /// Events held back.
    pub(crate) fn pending(&self) -> usize {
        self.heap.len()
    }

    /// Takes one event; releases into `out`, in time order, every event that can no longer
    /// be preceded by one arriving within the lateness.
    pub fn push(&mut self, ev: T, out: &mut Vec<T>) -> Result<(), Late<T>> {
        let ts = ev.ts();
        if let Some(r) = self.released {
            if ts < r {
                return Err(Late {
                    behind: r - ts,
                    event: Box::new(ev),
                });
            }
        }
        self.latest = Some(self.latest.map_or(ts, |l| l.max(ts)));
        self.seq += 1;
        self.heap.push(Reverse(Pending {
            ts,
            seq: self.seq,
            ev,
        }));
        if let Some(latest) = self.latest {
            let watermark = latest - self.lateness;
            self.release_until(Some(watermark), out);
        }
        Ok(())
    }

    /// The input has ended: releases everything held.
    pub fn finish(&mut self, out: &mut Vec<T>) {
        self.release_until(None, out);
    }

    fn release_until(&mut self, watermark: Option<DateTime<Utc>>, out: &mut Vec<T>) {
        while let Some(Reverse(p)) = self.heap.peek() {
            if watermark.is_some_and(|w| p.ts > w) {
                break;
            }
            if let Some(Reverse(p)) = self.heap.pop() {
                self.released = Some(p.ts);
                out.push(p.ev);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Origin, Subject};
    use proptest::prelude::*;

    fn ev(i: usize, secs: i64) -> Event {
        Event {
            id: format!("e{i}").into(),
            ts: DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap(),
            user: "u".into(),
            action: "query".into(),
            system: None,
            session: None,
            client: None,
            ip: None,
            case_id: None,
            purpose: None,
            subject: Subject::default(),
            result_count: None,
            query_text: None,
            extra: Default::default(),
            origin: Origin {
                file: "t".into(),
                line: i as u64,
            },
        }
    }

    #[test]
    fn a_too_late_event_is_handed_back_not_dropped() {
        let mut r: Reorder = Reorder::new(Duration::seconds(60));
        let mut out = Vec::new();
        r.push(ev(0, 0), &mut out).unwrap();
        r.push(ev(1, 200), &mut out).unwrap();
        assert_eq!(out.len(), 1);
        let late = r.push(ev(2, -10), &mut out).unwrap_err();
        assert_eq!(late.event.id, "e2");
        assert_eq!(late.behind, Duration::seconds(10));
        // Within the lateness of the latest event: still analysed in order.
        r.push(ev(3, 150), &mut out).unwrap();
        r.finish(&mut out);
        let ids: Vec<&str> = out.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e0", "e3", "e1"]);
    }

    proptest! {
        /// Any arrival order in which no event comes more than the lateness after a later
        /// one is released exactly sorted by time (ties in arrival order), none rejected.
        #[test]
        fn displacement_within_lateness_is_fully_repaired(
            times in proptest::collection::vec(0i64..100_000, 1..200),
            jitter in proptest::collection::vec(0i64..300, 200),
        ) {
            let mut times = times;
            times.sort_unstable();
            let mut arrivals: Vec<(i64, usize)> = times
                .iter()
                .enumerate()
                .map(|(i, t)| (t + jitter[i % jitter.len()], i))
                .collect();
            arrivals.sort_unstable();
            let mut r: Reorder = Reorder::new(Duration::seconds(300));
            let mut out = Vec::new();
            for (_, i) in &arrivals {
                prop_assert!(r.push(ev(*i, times[*i]), &mut out).is_ok());
            }
            r.finish(&mut out);
            prop_assert_eq!(out.len(), times.len());
            prop_assert!(out.windows(2).all(|w| w[0].ts <= w[1].ts));
        }
    }
}

//! Group commit for pushes: Inbox Messages arriving while another one is being written
//! are written together in the next transaction, so concurrent partners share one
//! durable commit (one fsync) instead of queueing for one each.
//!
//! Every pusher enqueues its blocks, then takes the commit lock. Whoever holds it drains
//! the queue, writes everything in one transaction, commits, and answers each pusher
//! before letting go; a pusher whose blocks an earlier holder already wrote finds its
//! answer waiting. A failed commit fails every push of its group, and none of it is
//! stored (the transaction is atomic).

use super::labels::Label;
use super::refusal::Refusal;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, PoisonError};

/// One push waiting to be written.
pub struct Push {
    pub collections: Vec<String>,
    pub blocks: Vec<Vec<u8>>,
    answer: Sender<Result<Vec<Label>, Refusal>>,
}

/// The queue of pushes and the lock of the one who writes them.
#[derive(Default)]
pub struct GroupCommit {
    queue: Mutex<Vec<Push>>,
    commit: Mutex<()>,
}

impl GroupCommit {
    /// Writes `blocks` to `collections` (with others' pushes, if any are waiting) through
    /// `write_group`, which stores a group in one transaction and returns each push's
    /// labels in order.
    pub fn push(
        &self,
        collections: &[&str],
        blocks: Vec<Vec<u8>>,
        write_group: impl FnOnce(&[Push]) -> Result<Vec<Vec<Label>>, Refusal>,
    ) -> Result<Vec<Label>, Refusal> {
        let (answer, answered) = channel();
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Push {
                collections: collections.iter().map(|c| (*c).to_owned()).collect(),
                blocks,
                answer,
            });
        {
            let _writer = self.commit.lock().unwrap_or_else(PoisonError::into_inner);
            let group =
                std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner));
            if !group.is_empty() {
                let outcome = write_group(&group);
                for (i, push) in group.iter().enumerate() {
                    let result = match &outcome {
                        Ok(labels) => labels
                            .get(i)
                            .cloned()
                            .ok_or_else(|| Refusal::failure("the store lost track of a push")),
                        Err(refusal) => Err(refusal.clone()),
                    };
                    // A pusher that is gone no longer needs its answer.
                    let _ = push.answer.send(result);
                }
            }
        }
        receive(answered)
    }
}

fn receive(answered: Receiver<Result<Vec<Label>, Refusal>>) -> Result<Vec<Label>, Refusal> {
    answered.recv().unwrap_or_else(|_| {
        Err(Refusal::failure(
            "the push was dropped before it was written",
        ))
    })
}

//! The client's `types` items (about four fifths of a large client) shared
//! between the two render threads.
//!
//! The client's thread walks progenitor's tokens item by item
//! (`crate::items`). Once the other thread has rendered the mocks and made
//! the CLI's tokens (and rendered the CLI, when the client has no list
//! streams to wait for), it says it is free ([`Side::accepting`]); from then on
//! the client's thread hands it an item of `types` whenever fewer than
//! [`QUEUE`] are waiting there, as the item's text, and renders the rest
//! itself. The other thread parses, rewrites and prints them in order
//! ([`print_all`]) and sends the texts back, which go where the items were
//! ([`crate::items::Holes`]). How many are handed over depends on timing;
//! the output does not.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use proc_macro2::TokenTree;

use crate::items::{Holes, ModPath, Offload};
use crate::normalize::Facts;

/// Items waiting on the other thread, at most: enough that it never waits
/// for the next, few enough that the client's thread keeps rendering too.
const QUEUE: usize = 32;

/// An item handed over: its module path and its tokens' text.
pub struct Item {
    path: Vec<String>,
    text: String,
}

/// What both threads share.
#[derive(Default)]
pub struct Side {
    /// Set by the other thread once it can take items.
    pub accepting: AtomicBool,
    /// Items the other thread has printed (or failed to).
    pub printed: AtomicUsize,
}

/// The client thread's end: an [`Offload`] for `crate::items`.
pub struct ToSide<'a> {
    side: &'a Side,
    tx: mpsc::Sender<Item>,
    sent: usize,
    holes: Holes,
    /// Whether the struct, enum and type items directly in `types` stay
    /// here (the list streams read them: `StreamRewriter::see_type`).
    keep_type_items: bool,
}

impl<'a> ToSide<'a> {
    pub fn new(side: &'a Side, tx: mpsc::Sender<Item>, keep_type_items: bool) -> Self {
        Self {
            side,
            tx,
            sent: 0,
            holes: Holes::default(),
            keep_type_items,
        }
    }

    /// Stop handing over (the other thread's loop ends once it has printed
    /// what it has) and return where the texts go.
    pub fn finish(self) -> Holes {
        self.holes
    }
}

impl Offload for ToSide<'_> {
    fn wants(&mut self, path: &ModPath, tokens: &[TokenTree]) -> bool {
        if path.first().is_none_or(|m| m != "types") || !self.side.accepting.load(Ordering::Acquire)
        {
            return false;
        }
        let waiting = self.sent - self.side.printed.load(Ordering::Acquire);
        if waiting >= QUEUE {
            return false;
        }
        !(self.keep_type_items
            && path.len() == 1
            && matches!(
                crate::items::item_keyword(tokens).as_deref(),
                Some("struct" | "enum" | "type")
            ))
    }

    fn send(&mut self, path: &ModPath, text: String, at: usize) -> Result<(), String> {
        self.tx
            .send(Item {
                path: path.to_vec(),
                text,
            })
            .map_err(|_| "the other render thread stopped".to_string())?;
        self.holes.push(at);
        self.sent += 1;
        Ok(())
    }
}

/// The other thread's end: print every item handed over, in order, until
/// the client's thread stops sending. The first error is returned once
/// the channel is drained (so the count the client's thread waits on
/// keeps moving).
pub fn print_all(
    rx: mpsc::Receiver<Item>,
    side: &Side,
    facts: &Facts,
) -> Result<Vec<String>, String> {
    side.accepting.store(true, Ordering::Release);
    let mut texts = Vec::new();
    let mut error = None;
    for item in rx {
        if error.is_none() {
            match crate::items::print_text(&item.path, &item.text, &mut |at, item| {
                super::rewrite::client_item(item, facts, at);
                Ok(())
            }) {
                Ok(text) => texts.push(text),
                Err(e) => error = Some(e),
            }
        }
        side.printed.fetch_add(1, Ordering::Release);
    }
    error.map_or(Ok(texts), Err)
}

//! `--limit` and `--max-pages` of list commands: their argument ids (the
//! definitions in `cli` use them) and what they do to a listing. A leaf
//! module: the provider wiring, `cli` and `listing` all read it.

use clap::ArgMatches;
use credential_clients::runtime::Listing;

/// The argument ids credctl adds to list commands.
pub const LIMIT: &str = "credctl-limit";
/// See [`LIMIT`].
pub const MAX_PAGES: &str = "credctl-max-pages";

/// `--limit` / `--max-pages` from the list command's own arguments.
pub fn apply<'a, I, E>(matches: &ArgMatches, mut listing: Listing<'a, I, E>) -> Listing<'a, I, E> {
    if let Ok(Some(n)) = matches.try_get_one::<u64>(LIMIT) {
        listing = listing.limit(*n);
    }
    if let Ok(Some(n)) = matches.try_get_one::<u32>(MAX_PAGES) {
        listing = listing.max_pages(*n);
    }
    listing
}

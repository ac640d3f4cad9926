//! Files re-read when they change: a token or key file that another
//! program (`oci session refresh`, the OCI Functions runtime) rewrites is
//! noticed by its modification time and length, checked with one `stat`
//! per request.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::error::ConfigError;

/// What a file looked like when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// A file and its stamp when last read.
#[derive(Debug, Clone)]
pub(crate) struct WatchedFile {
    path: PathBuf,
    stamp: Option<Stamp>,
}

impl WatchedFile {
    /// A file not read yet.
    pub(crate) fn new(path: impl Into<PathBuf>) -> WatchedFile {
        WatchedFile {
            path: path.into(),
            stamp: None,
        }
    }

    /// The path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file's stamp now.
    pub(crate) fn current(&self) -> Result<Stamp, ConfigError> {
        let metadata = std::fs::metadata(&self.path).map_err(|source| ConfigError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(Stamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
        })
    }

    /// Whether the file differs from when [`WatchedFile::mark_read`] was
    /// last called (or was never read). A file that cannot be `stat`ed
    /// counts as changed, so that reading it reports the error.
    pub(crate) fn changed(&self) -> bool {
        match (self.stamp, self.current()) {
            (Some(read), Ok(now)) => read != now,
            _ => true,
        }
    }

    /// Records `stamp` as the state last read.
    pub(crate) fn mark_read(&mut self, stamp: Stamp) {
        self.stamp = Some(stamp);
    }
}

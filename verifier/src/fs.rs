//! Writing files so that a reader never sees a half-written or rewritten file.
//!
//! Every file zkvote writes that another zkvote process may read (keys, proving tables,
//! census, elections, ballots, tallies, exports) goes through [`write_file`]: the bytes
//! go to a fresh temporary file in the destination's directory, are flushed to disk
//! (`fsync`), and the temporary file is then renamed onto the destination, and the
//! directory is flushed too. A rename replaces the directory entry, not the old file's
//! contents: a process that has the old file open or memory-mapped keeps reading the
//! old bytes (the old inode lives until it is closed), and a process that opens the
//! name sees either the whole old file or the whole new one. No file is ever
//! rewritten in place.
//!
//! [`IfExists::Refuse`] is for files whose loss is unrecoverable or silent (identities,
//! ballots): the rename does not replace an existing file (`renameat2(RENAME_NOREPLACE)`,
//! or a hard link where that is not supported), so of two processes racing for one
//! name exactly one wins and the other gets [`Error::FileExists`].
//!
//! [`Access::OwnerOnly`] is for secrets (identities, witnesses): on Unix the temporary
//! file is created with mode 0600 before any byte is written, so the secret is never
//! readable by others, not even for a moment. [`Access::Public`] files get mode 0666
//! minus the umask, like any file a program creates (usually 0644).

use std::{io::Write, path::Path};

use crate::Error;

/// What to do when the destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Replace it (atomically: readers see the old or the new file, never a mix).
    Replace,
    /// Leave it as it is and fail with [`Error::FileExists`].
    Refuse,
}

/// Who may read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everyone the umask allows (mode 0666 minus the umask on Unix, usually 0644).
    Public,
    /// Only the owner (mode 0600 on Unix, set when the file is created). Elsewhere the
    /// file gets the directory's default permissions.
    OwnerOnly,
}

impl Access {
    #[cfg(unix)]
    fn mode(self) -> u32 {
        match self {
            Access::Public => 0o666,
            Access::OwnerOnly => 0o600,
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory, renamed into
/// place (see the module docs); creates the directory if it is missing.
///
/// On failure nothing is left behind: no temporary file, and the destination (if it
/// existed) is unchanged. Errors name the file: [`Error::FileExists`] when `path`
/// exists and `if_exists` is [`IfExists::Refuse`], [`Error::Write`] otherwise.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    if_exists: IfExists,
    access: Access,
) -> Result<(), Error> {
    let file = path.display().to_string();
    let failed = |what: String| Error::Write {
        file: file.clone(),
        what,
    };
    if path.file_name().is_none() {
        return Err(failed("not a file name".into()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::Write {
        file: dir.display().to_string(),
        what: format!("cannot create the directory: {e}"),
    })?;
    // Fail early, before writing anything; the rename below is what makes it race-free.
    if if_exists == IfExists::Refuse && path.symlink_metadata().is_ok() {
        return Err(Error::FileExists { file });
    }

    let mut builder = tempfile::Builder::new();
    builder.prefix(".zkvote-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(access.mode()));
    }
    #[cfg(not(unix))]
    let _ = access;
    // Dropping `tmp` on any error below removes the temporary file.
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| failed(format!("cannot create a temporary file: {e}")))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| failed(format!("cannot write: {e}")))?;
    match if_exists {
        IfExists::Replace => tmp.persist(path).map(drop).map_err(|e| e.error),
        IfExists::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
    }
    .map_err(|e| {
        if if_exists == IfExists::Refuse && e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::FileExists { file: file.clone() }
        } else {
            failed(format!("cannot rename the temporary file into place: {e}"))
        }
    })?;
    sync_dir(dir);
    Ok(())
}

/// Flushes a directory's entries (the rename) to disk. Best effort: the file is already
/// complete under its name; a failure here only matters after a power cut, and some
/// file systems do not support it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn scratch() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        (dir, path)
    }

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let (dir, path) = scratch();
        write_file(&path, b"first", IfExists::Replace, Access::Public).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write_file(&path, b"second", IfExists::Replace, Access::Public).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(entries(dir.path()), ["out.json"]);
    }

    #[test]
    fn creates_missing_directories() {
        let (dir, _) = scratch();
        let path = dir.path().join("a/b/ballot.json");
        write_file(&path, b"x", IfExists::Refuse, Access::Public).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }

    #[test]
    fn a_failed_replace_leaves_no_temporary_file_and_the_destination_intact() {
        let (dir, _) = scratch();
        // A non-empty directory where the file should go: the rename must fail.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), b"keep").unwrap();
        let err = write_file(&path, b"new", IfExists::Replace, Access::Public).unwrap_err();
        assert!(
            matches!(&err, Error::Write { file, .. } if file.ends_with("taken")),
            "{err}"
        );
        assert_eq!(entries(dir.path()), ["taken"]);
        assert_eq!(std::fs::read(path.join("inside")).unwrap(), b"keep");
    }

    #[test]
    fn refuse_leaves_an_existing_file_intact() {
        let (dir, path) = scratch();
        std::fs::write(&path, b"precious").unwrap();
        let err = write_file(&path, b"other", IfExists::Refuse, Access::OwnerOnly).unwrap_err();
        assert_eq!(
            err,
            Error::FileExists {
                file: path.display().to_string()
            }
        );
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"precious");
        assert_eq!(entries(dir.path()), ["out.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn refuse_does_not_follow_a_dangling_symlink() {
        let (dir, path) = scratch();
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = write_file(&path, b"x", IfExists::Refuse, Access::Public).unwrap_err();
        assert!(matches!(err, Error::FileExists { .. }), "{err}");
        assert!(!target.exists());
    }

    /// Racing writers that refuse to replace: exactly one wins, the file holds its
    /// bytes whole, and the others get `FileExists`.
    #[test]
    fn of_racing_no_clobber_writers_exactly_one_wins() {
        let (dir, path) = scratch();
        let n = 8;
        let barrier = std::sync::Barrier::new(n);
        let results: Vec<(Vec<u8>, Result<(), Error>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let (path, barrier) = (&path, &barrier);
                    s.spawn(move || {
                        let bytes = vec![b'a' + i as u8; 4096];
                        barrier.wait();
                        let r = write_file(path, &bytes, IfExists::Refuse, Access::Public);
                        (bytes, r)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
        assert_eq!(winners.len(), 1);
        assert!(results
            .iter()
            .all(|(_, r)| matches!(r, Ok(()) | Err(Error::FileExists { .. }))));
        assert_eq!(std::fs::read(&path).unwrap(), winners[0].0);
        assert_eq!(entries(dir.path()), ["out.json"]);
    }

    /// The argument the proving tables' memory map relies on: a replace does not touch
    /// the bytes a reader mapped (no SIGBUS, no changed values).
    #[test]
    fn a_mapped_file_keeps_its_old_bytes_after_a_replace() {
        let (_dir, path) = scratch();
        let old: Vec<u8> = (0..1 << 16).map(|i| (i % 251) as u8).collect();
        write_file(&path, &old, IfExists::Replace, Access::Public).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        // SAFETY: test-only map of a file that only this test writes, through the writer.
        let map = unsafe { memmap2::Mmap::map(&f) }.unwrap();
        // Shorter and different: an in-place rewrite would truncate the mapped pages.
        write_file(&path, b"tiny", IfExists::Replace, Access::Public).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"tiny");
        assert_eq!(&map[..], &old[..]);
    }

    #[cfg(unix)]
    #[test]
    fn owner_only_files_have_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = scratch();
        write_file(&path, b"secret", IfExists::Refuse, Access::OwnerOnly).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // And a replaced secret too (the new file's mode, not the old one's).
        write_file(&path, b"secret2", IfExists::Replace, Access::OwnerOnly).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

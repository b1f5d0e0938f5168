//! Writing a report file: parent directories are created and the file appears whole or not at
//! all (written to a temporary file beside it, then renamed over it), so a CI step that
//! uploads the report never sees half of one. A path that is not a regular file is never
//! replaced: a symlink is followed, a device or FIFO (`/dev/stdout`, `/dev/null`, a named pipe)
//! is written through (`crate::output::sink::OutputFile`, shared with `-o`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::output::sink::OutputFile;

/// A report file that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The directory that should hold the report could not be created.
    #[error("could not create directory `{}`", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The device or file system is full (`/dev/full`, a full disk).
    #[error("could not write report `{}`: no space left on device", path.display())]
    NoSpace { path: PathBuf },
    /// Writing the temporary file or renaming it to the report's path failed.
    #[error("could not write report `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Write `bytes` to `path`, creating its parent directories: atomically for a regular file or a
/// new path, written through for a symlink's target, a device or a FIFO.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let failed = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::StorageFull => WriteError::NoSpace {
            path: path.to_path_buf(),
        },
        _ => WriteError::Write {
            path: path.to_path_buf(),
            source,
        },
    };
    let mut file = OutputFile::open(path).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.finish().map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_parents_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports/ci/junit.xml");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["junit.xml"]);
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        let err = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("could not write report `{}`", path.display())
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.xml");
        std::fs::write(&target, b"old contents, longer").unwrap();
        let link = dir.path().join("link.xml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_null_stays_a_device_and_dev_full_says_no_space() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let err = write_atomic(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not write report `/dev/full`: no space left on device"
        );
        assert!(
            std::fs::metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
}

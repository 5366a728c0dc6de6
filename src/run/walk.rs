//! Which files a run reads: the paths named on the command line, and the
//! regular files found by walking the directories among them.
//!
//! Only regular files are read. A special file (FIFO, socket, device) named
//! on the command line is an error; one met in a walk is skipped with a
//! note. `-` is standard input. A file reached twice (named twice, or named
//! and also found in a named directory) is read once.

use super::write::{is_temp_name, Leftover};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file to process, or a path that could not be walked.
#[derive(Debug)]
pub enum Input {
    /// A file, with its open handle and size when it was named explicitly
    /// (see [`open_root`]).
    File(PathBuf, Option<(fs::File, u64)>),
    /// Standard input (`-` on the command line).
    Stdin,
    Error(PathBuf, String),
}

/// The paths to process. Directories are walked lazily, so the list of
/// files is never held in memory: a run over a million files keeps only the
/// files in flight (and, when several paths are named, the identity of each
/// file seen, 16 bytes a file, to read each file once).
#[derive(Debug, Clone)]
pub struct Inputs {
    roots: Vec<PathBuf>,
    /// `[files] exclude`, when the configuration has one.
    exclude: Option<Arc<crate::config::Exclude>>,
    /// Remove leftover temporary files of dead fettle processes met in
    /// walks (`fix`), rather than only reporting them.
    pub remove_leftovers: bool,
}

/// Every file under `paths`, in order: directories are walked recursively,
/// sorted by name, with the usual ignore rules (hidden files, .gitignore);
/// files named explicitly are always taken.
pub fn discover(paths: &[PathBuf]) -> Inputs {
    Inputs {
        roots: paths.to_vec(),
        exclude: None,
        remove_leftovers: false,
    }
}

/// `(device, inode)`: what makes two paths the same file.
type Identity = (u64, u64);

#[cfg(unix)]
fn identity(m: &fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_m: &fs::Metadata) -> Option<Identity> {
    None
}

/// What kind of special file `t` is, for messages.
pub fn kind_of(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    if t.is_dir() {
        return "a directory";
    }
    "not a regular file"
}

impl Inputs {
    /// Skip the paths `exclude` names: walked ones always, named ones with
    /// `--force-exclude`.
    pub fn excluding(mut self, exclude: Option<crate::config::Exclude>) -> Inputs {
        self.exclude = exclude.map(Arc::new);
        self
    }

    pub fn is_stdin(path: &Path) -> bool {
        path.as_os_str() == "-"
    }

    /// Does any path name standard input?
    pub fn reads_stdin(&self) -> bool {
        self.roots.iter().any(|r| Self::is_stdin(r))
    }

    /// Walk the paths (again), silently: each call starts a new walk. For
    /// counting and the corpus prior.
    pub fn iter(&self) -> impl Iterator<Item = Input> + Send + '_ {
        self.walk(false)
    }

    /// Walk the paths for the run itself: skipped special files and
    /// leftover temporary files are noted on stderr.
    pub fn walk(&self, notes: bool) -> impl Iterator<Item = Input> + Send + '_ {
        let dedup = self.roots.len() > 1;
        let seen: Arc<Mutex<HashSet<Identity>>> = Arc::default();
        let first = move |m: &fs::Metadata| -> bool {
            !dedup
                || identity(m).is_none_or(|id| {
                    seen.lock()
                        .expect("no thread panics holding the lock")
                        .insert(id)
                })
        };
        let first_walked = first.clone();
        let remove = self.remove_leftovers;
        self.roots
            .iter()
            .flat_map(move |root| -> Box<dyn Iterator<Item = Input> + Send> {
                if Self::is_stdin(root) {
                    return Box::new(std::iter::once(Input::Stdin));
                }
                let exclude = self.exclude.clone();
                if exclude.as_ref().is_some_and(|e| e.named(root)) {
                    return Box::new(std::iter::empty());
                }
                if let Some((file, metadata)) = open_root(root) {
                    if !first(&metadata) {
                        return Box::new(std::iter::empty());
                    }
                    let size = metadata.len();
                    return Box::new(std::iter::once(Input::File(
                        root.clone(),
                        Some((file, size)),
                    )));
                }
                match fs::metadata(root) {
                    Err(e) => Box::new(std::iter::once(Input::Error(root.clone(), e.to_string()))),
                    // Unreadable: the worker says why. (Its identity is
                    // checked below, with the walked files.)
                    Ok(m) if m.is_file() => {
                        Box::new(std::iter::once(Input::File(root.clone(), None)))
                    }
                    Ok(m) if !m.is_dir() => Box::new(std::iter::once(Input::Error(
                        root.clone(),
                        format!(
                            "{}: only regular files are read (`-` reads standard input)",
                            kind_of(m.file_type())
                        ),
                    ))),
                    Ok(_) => Box::new(walk_dir(root, notes, remove, exclude)),
                }
            })
            .filter(move |input| match input {
                // Walked files are checked for identity here, after the
                // walk: one `lstat` each, only when several paths are named.
                Input::File(path, None) if dedup => match fs::symlink_metadata(path) {
                    Ok(m) => first_walked(&m),
                    Err(_) => true,
                },
                _ => true,
            })
    }
}

/// The regular files under the directory `root`, sorted, with the ignore
/// rules; special files are skipped (with a note), and fettle's own
/// temporary files, hidden as they are, are looked at to report or remove
/// those a killed run left behind.
fn walk_dir(
    root: &Path,
    notes: bool,
    remove: bool,
    exclude: Option<Arc<crate::config::Exclude>>,
) -> impl Iterator<Item = Input> + Send {
    let root_owned = root.to_path_buf();
    ignore::WalkBuilder::new(root)
        .sort_by_file_name(|a, b| a.cmp(b))
        // Hidden files are still skipped (below), but fettle's temporary
        // files must be seen.
        .hidden(false)
        .filter_entry(move |e| {
            e.depth() == 0 || {
                let name = e.file_name().as_encoded_bytes();
                (!name.starts_with(b".") || is_temp_name(e.file_name()))
                    && !exclude.as_ref().is_some_and(|x| x.walked(e.path()))
            }
        })
        .build()
        .filter_map(move |entry| match entry {
            Ok(e) => {
                let file_type = e.file_type()?;
                if is_temp_name(e.file_name()) && e.depth() > 0 {
                    if notes && file_type.is_file() {
                        Leftover::handle(e.path(), remove);
                    }
                    return None;
                }
                if file_type.is_file() {
                    return Some(Input::File(e.into_path(), None));
                }
                if notes && !file_type.is_dir() && !file_type.is_symlink() {
                    eprintln!(
                        "fettle: note: {}: skipped, {} (only regular files are read)",
                        super::shown_name(e.path()),
                        kind_of(file_type)
                    );
                }
                None
            }
            Err(e) => Some(Input::Error(root_owned.clone(), e.to_string())),
        })
}

/// The regular file at `root`, opened, and its metadata, or `None` when
/// `root` is anything else (a directory, a FIFO, missing, unreadable...),
/// which the caller then looks at with `fs::metadata`.
///
/// Opening an explicitly named file here and asking the open handle for its
/// type (`fstat`) saves the separate `stat` of its path: the worker reads
/// from this handle instead of opening the path again. `O_NONBLOCK` keeps
/// the open of a FIFO from waiting for a writer (it has no effect on reading
/// a regular file), `O_NOCTTY` keeps a terminal from becoming ours.
#[cfg(unix)]
fn open_root(root: &Path) -> Option<(fs::File, fs::Metadata)> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(root)
        .ok()?;
    let metadata = file.metadata().ok()?;
    metadata.is_file().then_some((file, metadata))
}

#[cfg(not(unix))]
fn open_root(_root: &Path) -> Option<(fs::File, fs::Metadata)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's open handle is used for named files, paths that are not
    /// regular files take the old way (walked, or an error), and a file
    /// named twice is read once.
    #[test]
    fn named_files_walked_dirs_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        fs::write(&file, "caf\u{e9}\n").unwrap();
        let missing = dir.path().join("missing.txt");
        let dotted = dir.path().join(".").join("a.txt");
        let inputs = discover(&[
            file.clone(),
            dir.path().to_path_buf(),
            missing.clone(),
            dotted,
        ]);
        let got: Vec<Input> = inputs.iter().collect();
        assert_eq!(got.len(), 2, "{got:?}");
        match &got[0] {
            Input::File(p, Some((_, size))) => assert_eq!((p, *size), (&file, 6)),
            other => panic!("{other:?}"),
        }
        let expected = fs::metadata(&missing).unwrap_err().to_string();
        assert!(matches!(&got[1], Input::Error(p, m) if *p == missing && *m == expected));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_fifo_is_an_error_and_a_walked_one_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let named: Vec<Input> = discover(std::slice::from_ref(&fifo)).iter().collect();
        assert!(
            matches!(&named[..], [Input::Error(_, m)] if m.contains("FIFO")),
            "{named:?}"
        );
        let walked: Vec<Input> = discover(&[dir.path().to_path_buf()]).iter().collect();
        assert!(walked.is_empty(), "{walked:?}");
    }
}

//! Writing results: `clean`'s copies under DST and `fix`'s replacements in
//! place. Every write goes to a temporary file in the destination's folder
//! and is renamed over the destination, so a reader, a crash or a full disk
//! sees the old file or the new one, never half of one.
//!
//! Temporary files are named `.fettle-<pid>-<random>.tmp`. Those of this
//! process are removed on SIGINT, SIGTERM and SIGHUP; those a killed
//! process left (SIGKILL, power loss) are found by the next walk, which
//! reports them, and removes them under `fix` once their process is gone.

use anyhow::{bail, Context as _, Result};
use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// This process's temporary files still on disk.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove this process's temporary files when it is interrupted or asked
/// to stop, then die of the same signal. Once per process.
pub fn remove_temporaries_on_signals() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Holding the lock to the end: no worker creates a new
                // temporary file after these are removed.
                let live = live();
                for path in live.iter() {
                    let _ = fs::remove_file(path);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Is `name` one of fettle's temporary files?
pub fn is_temp_name(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".fettle-") && name.ends_with(b".tmp")
}

/// The process that made the temporary file `name`, from its name.
fn temp_owner(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    name.strip_prefix(".fettle-")?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// A temporary file found by a walk.
pub struct Leftover;

impl Leftover {
    /// Report the temporary file at `path` unless its process still runs
    /// (another fettle at work); with `remove`, remove it instead.
    pub fn handle(path: &Path, remove: bool) {
        let owner = path.file_name().and_then(temp_owner);
        let running = match owner {
            Some(pid) if pid == std::process::id() => return,
            // Where there is no /proc, a process cannot be looked up:
            // assume it runs, and only report.
            Some(pid) => {
                !Path::new("/proc/self").exists()
                    || Path::new("/proc").join(pid.to_string()).exists()
            }
            None => false,
        };
        let shown = super::shown_name(path);
        if running {
            if !Path::new("/proc/self").exists() {
                eprintln!("fettle: note: {shown}: a temporary file of fettle, perhaps left by an interrupted run");
            }
            return;
        }
        if remove {
            match fs::remove_file(path) {
                Ok(()) => eprintln!(
                    "fettle: removed {shown}, a temporary file left by an interrupted fettle run"
                ),
                Err(e) => eprintln!("fettle: warning: {shown}: a temporary file left by an interrupted fettle run, cannot remove it: {e}"),
            }
        } else {
            eprintln!("fettle: note: {shown}: a temporary file left by an interrupted fettle run (`fettle fix` on this directory removes it)");
        }
    }
}

/// A temporary file of this process, registered for removal on signals;
/// removed when dropped unless it was renamed into place.
struct Temp {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Temp {
    fn new_in(dir: &Path) -> Result<Temp> {
        let mut live = live();
        let file = tempfile::Builder::new()
            .prefix(&format!(".fettle-{}-", std::process::id()))
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| {
                format!(
                    "cannot create a temporary file in {}",
                    super::shown_name(dir)
                )
            })?;
        let path = file.path().to_path_buf();
        live.push(path.clone());
        Ok(Temp {
            file: Some(file),
            path,
        })
    }

    fn file(&mut self) -> &mut fs::File {
        self.file.as_mut().expect("not yet renamed").as_file_mut()
    }

    /// Rename into place (replacing `dest`, and a symlink at `dest` rather
    /// than what it points to).
    fn rename_to(mut self, dest: &Path) -> Result<()> {
        let file = self.file.take().expect("renamed once");
        file.persist(dest)
            .map(drop)
            .map_err(|e| anyhow::Error::new(e.error))
            .with_context(|| format!("cannot replace {}", super::shown_name(dest)))
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        // The file itself is removed by `NamedTempFile`'s own drop.
        drop(self.file.take());
        let mut live = live();
        if let Some(i) = live.iter().position(|p| *p == self.path) {
            live.swap_remove(i);
        }
    }
}

/// `(device, inode)` of a file.
#[cfg(unix)]
fn identity(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// `clean`'s destination: the folder DST, made once, resolved, and the
/// folders made under it so far.
#[derive(Debug)]
pub struct CleanTarget {
    src: PathBuf,
    /// DST with symlinks resolved.
    root: PathBuf,
    /// Folders under `root` known to be real folders (not symlinks).
    checked: Mutex<HashSet<PathBuf>>,
}

impl CleanTarget {
    /// Make DST if needed, after refusing a DST that is SRC or inside it
    /// (by any route: symlinks, `..`).
    pub fn new(src: &Path, out: &Path) -> Result<CleanTarget> {
        check_out_dir(src, out)?;
        fs::create_dir_all(out)
            .with_context(|| format!("cannot create {}", super::shown_name(out)))?;
        let root = fs::canonicalize(out)
            .with_context(|| format!("cannot resolve {}", super::shown_name(out)))?;
        check_out_dir(src, &root)?;
        Ok(CleanTarget {
            src: src.to_path_buf(),
            root,
            checked: Mutex::new(HashSet::new()),
        })
    }

    /// Write the cleaned copy of the source file `path` (read with
    /// `source`'s metadata) under DST, atomically, without following any
    /// symlink found under DST, and never onto the source itself.
    pub fn write(&self, path: &Path, source: Option<&fs::Metadata>, bytes: &[u8]) -> Result<()> {
        let relative = if path == self.src {
            Path::new(path.file_name().unwrap_or(path.as_os_str()))
        } else {
            path.strip_prefix(&self.src).unwrap_or(path)
        };
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            bail!(
                "cannot place {} under the output folder",
                super::shown_name(path)
            );
        }
        let dest = self.root.join(relative);
        let dir = dest.parent().unwrap_or(&self.root);
        self.make_dirs(dir)?;
        let mut temp = Temp::new_in(dir)?;
        temp.file()
            .write_all(bytes)
            .with_context(|| format!("cannot write {}", super::shown_name(&dest)))?;
        // The copy gets the source's permissions, as `cp` gives them (a
        // temporary file is made private, 0600).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = source.map_or(0o644, |m| m.permissions().mode() & 0o777);
            let _ = temp
                .file()
                .set_permissions(fs::Permissions::from_mode(mode));
        }
        match fs::symlink_metadata(&dest) {
            Ok(m) if m.is_dir() => bail!("{} is a directory", super::shown_name(&dest)),
            #[cfg(unix)]
            Ok(m) if source.is_some_and(|s| identity(s) == identity(&m)) => bail!(
                "{} is the source file itself: not written",
                super::shown_name(&dest)
            ),
            _ => {}
        }
        temp.rename_to(&dest)
    }

    /// Make the folders from DST down to `dir`, refusing any that is a
    /// symlink or not a folder: a write never leaves DST that way.
    fn make_dirs(&self, dir: &Path) -> Result<()> {
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if checked.contains(dir) || dir == self.root {
            return Ok(());
        }
        let relative = dir.strip_prefix(&self.root).unwrap_or(dir);
        let mut at = self.root.clone();
        for part in relative.components() {
            at.push(part);
            if checked.contains(&at) {
                continue;
            }
            match fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => bail!(
                    "{} is a symbolic link: fettle does not write through links in the output folder",
                    super::shown_name(&at)
                ),
                Ok(_) => bail!("{} is not a folder", super::shown_name(&at)),
                Err(_) => match fs::create_dir(&at) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        if !fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                            bail!("{} is not a folder", super::shown_name(&at));
                        }
                    }
                    Err(e) => {
                        return Err(e)
                            .with_context(|| format!("cannot create {}", super::shown_name(&at)))
                    }
                },
            }
            checked.insert(at.clone());
        }
        Ok(())
    }
}

/// Refuse an output folder that is the source, inside the source folder,
/// or, when the source is a file, the folder that holds it under the same
/// name.
pub fn check_out_dir(src: &Path, out: &Path) -> Result<()> {
    let src_abs = fs::canonicalize(src)
        .with_context(|| format!("{}: cannot read source", super::shown_name(src)))?;
    let out_abs = absolute_existing_prefix(out)?;
    if src_abs.is_dir() && out_abs.starts_with(&src_abs) {
        bail!(
            "output directory {} is inside the source directory {}: choose a directory outside it",
            super::shown_name(out),
            super::shown_name(src)
        );
    }
    if out_abs == src_abs {
        bail!("output {} is the source itself", super::shown_name(out));
    }
    if src_abs.is_file() {
        let name = src_abs.file_name().unwrap_or_default();
        if out_abs.join(name) == src_abs {
            bail!(
                "output directory {} holds the source file {}: its cleaned copy would replace it; choose another directory",
                super::shown_name(out),
                super::shown_name(src)
            );
        }
    }
    Ok(())
}

/// `path` made absolute with symlinks resolved as far as it exists, and
/// the rest (folders still to be made, `..` after them) resolved by name.
fn absolute_existing_prefix(path: &Path) -> Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut result = PathBuf::new();
    let mut exists = true;
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if !exists => {
                result.pop();
            }
            _ => {
                result.push(part);
                if exists {
                    match fs::canonicalize(&result) {
                        Ok(real) => result = real,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    Ok(result)
}

/// How `fix` treats files it should not simply replace.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Rewrite read-only files too (`--force`).
    pub force: bool,
    /// Write hard-linked files in place, so that every name sees the fix
    /// (`--write-hard-links`); by default they are refused.
    pub write_hard_links: bool,
}

/// Replace the file at `path` (read with metadata `read`) with `bytes`.
///
/// A symlink is kept and the file it points to is replaced. The owner,
/// group, mode and extended attributes are carried over where the system
/// allows. Refused: a file that changed since it was read, a read-only file
/// (without `force`), a file with several hard links (without
/// `write_hard_links`, which writes into the file itself, not atomically).
pub fn fix_file(
    path: &Path,
    bytes: &[u8],
    read: Option<&fs::Metadata>,
    options: FixOptions,
) -> Result<()> {
    let target = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::canonicalize(path).with_context(|| {
            format!(
                "cannot resolve the symbolic link {}",
                super::shown_name(path)
            )
        })?
    } else {
        path.to_path_buf()
    };
    let metadata = fs::metadata(&target)?;
    if let Some(read) = read {
        if changed_since(read, &metadata) {
            bail!(
                "changed since it was read (another program wrote it): not written; run fix again"
            );
        }
    }
    if is_read_only(&target, &metadata) && !options.force {
        bail!("read-only: not rewritten (--force rewrites read-only files)");
    }
    let links = link_count(&metadata);
    if links > 1 {
        if !options.write_hard_links {
            bail!(
                "has {links} hard links: replacing it would leave the other names with the old text; not rewritten (--write-hard-links writes into the file itself, which every name shares)"
            );
        }
        let mut file = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&target)
            .with_context(|| format!("cannot write {}", super::shown_name(&target)))?;
        file.write_all(bytes)?;
        return file.sync_data().map_err(Into::into);
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = Temp::new_in(dir)?;
    let file = temp.file();
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", super::shown_name(&target)))?;
    keep_metadata(&target, file, &metadata);
    file.sync_data()?;
    temp.rename_to(&target)
}

#[cfg(unix)]
fn changed_since(read: &fs::Metadata, now: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    identity(read) != identity(now)
        || read.len() != now.len()
        || (read.mtime(), read.mtime_nsec()) != (now.mtime(), now.mtime_nsec())
}

#[cfg(not(unix))]
fn changed_since(read: &fs::Metadata, now: &fs::Metadata) -> bool {
    read.len() != now.len() || read.modified().ok() != now.modified().ok()
}

#[cfg(unix)]
fn link_count(m: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.nlink()
}

#[cfg(not(unix))]
fn link_count(_m: &fs::Metadata) -> u64 {
    1
}

/// No write permission for anyone, or none for us (opening it for writing,
/// without truncating, is refused). Root may write anything: the mode
/// alone tells it that the owner meant the file to stay as it is.
fn is_read_only(path: &Path, m: &fs::Metadata) -> bool {
    m.permissions().readonly()
        || fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
}

/// Give the new file `file` the owner, group, mode and extended attributes
/// of the old one at `old`, as far as the system allows: only root may
/// give a file away, and not every file system has extended attributes.
#[cfg(unix)]
fn keep_metadata(old: &Path, file: &fs::File, m: &fs::Metadata) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Ownership first: changing it clears the set-user-ID and set-group-ID
    // bits, which the mode then restores.
    if let Ok(new) = file.metadata() {
        if (new.uid(), new.gid()) != (m.uid(), m.gid()) {
            let _ = std::os::unix::fs::fchown(file, Some(m.uid()), Some(m.gid()))
                .or_else(|_| std::os::unix::fs::fchown(file, None, Some(m.gid())));
        }
    }
    let _ = file.set_permissions(fs::Permissions::from_mode(m.mode() & 0o7777));
    if let Ok(names) = xattr::list(old) {
        for name in names {
            if let Ok(Some(value)) = xattr::get(old, &name) {
                let _ = xattr::FileExt::set_xattr(file, &name, &value);
            }
        }
    }
}

#[cfg(not(unix))]
fn keep_metadata(_old: &Path, file: &fs::File, m: &fs::Metadata) {
    let _ = file.set_permissions(m.permissions());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_the_process() {
        assert!(is_temp_name(OsStr::new(".fettle-123-abc.tmp")));
        assert!(!is_temp_name(OsStr::new(".fettle-123-abc")));
        assert!(!is_temp_name(OsStr::new("fettle-1.tmp")));
        assert_eq!(temp_owner(OsStr::new(".fettle-123-abc.tmp")), Some(123));
        let dir = tempfile::tempdir().unwrap();
        let temp = Temp::new_in(dir.path()).unwrap();
        assert!(is_temp_name(temp.path.file_name().unwrap()));
        assert!(live().contains(&temp.path));
        let path = temp.path.clone();
        drop(temp);
        assert!(!path.exists() && !live().contains(&path));
    }

    #[test]
    fn fix_keeps_the_mode_and_refuses_read_only_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let read = fs::metadata(&path).unwrap();
        fix_file(&path, b"new", Some(&read), FixOptions::default()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        // It changed since `read`: refused.
        assert!(fix_file(&path, b"newer", Some(&read), FixOptions::default()).is_err());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let err = fix_file(&path, b"x", None, FixOptions::default()).unwrap_err();
        assert!(format!("{err:#}").contains("read-only"), "{err:#}");
        let forced = FixOptions {
            force: true,
            ..FixOptions::default()
        };
        fix_file(&path, b"x", None, forced).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o444);
    }

    #[test]
    fn out_dir_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a.txt");
        fs::write(&src, "x").unwrap();
        assert!(check_out_dir(&src, dir.path()).is_err());
        assert!(check_out_dir(&src, &dir.path().join("sub/..")).is_err());
        assert!(check_out_dir(&src, &dir.path().join("out")).is_ok());
        assert!(check_out_dir(dir.path(), &dir.path().join("x/../out")).is_err());
    }
}

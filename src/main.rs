// mimalloc instead of glibc's malloc: loading a big collection and a run are allocation-heavy
// (many small strings and tables), and glibc's malloc/free/consolidate were the top entries in
// profiles of `postie list` (bench/load) and `run --jobs 4` (bench/ab.sh). See bench/README.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    postie::app::main()
}

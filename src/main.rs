fn main() -> std::process::ExitCode {
    fettle::cli::main()
}

fn main() -> std::process::ExitCode {
    postie::app::main()
}

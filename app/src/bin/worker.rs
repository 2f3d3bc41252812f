//! The Web Worker binary: parsing runs here, off the page's thread.

fn main() {
    runlens_app::worker::run();
}

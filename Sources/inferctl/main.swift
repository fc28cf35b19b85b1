import Foundation

// Parse, run, and map every outcome to the exit codes documented in `inferctl --help`
// (ArgumentParser's own usage code, 64, becomes 2).
exit(await Inferctl.runMain())

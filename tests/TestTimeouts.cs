namespace Fleet.Tests;

/// <summary>
/// Every test's budget for `[Fact(Timeout = ...)]` and `[Theory(Timeout = ...)]`, in
/// milliseconds: a hang fails that test with "Test execution timed out after N milliseconds"
/// instead of stalling the run. Generous on purpose: a test waits for states, never for times,
/// so a timeout means something hangs, not that the machine is slow. xunit 2 times only the test
/// method (not class fixtures, constructors or disposal), honours it only on async tests (a
/// synchronous one fails with "only supported for async tests"), and does not stop the test: its
/// task runs on unobserved while the next tests start. Linked into every test project
/// (tests/Directory.Build.props).
/// </summary>
internal static class TestTimeouts
{
    /// <summary>Fleet's code with local processes only: nix evaluation, the fleet executable, providers, SQLite.</summary>
    public const int Local = 3 * 60 * 1000;

    /// <summary>Tests marked Integration: they bring up testbed nodes (or run the stand-in's own suite) and deploy to them.</summary>
    public const int Testbed = 10 * 60 * 1000;
}

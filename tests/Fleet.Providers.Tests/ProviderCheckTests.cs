using Fleet.Processes;

namespace Fleet.Providers.Tests;

/// <summary>`fleet provider check`, run as a user would run it.</summary>
public sealed class ProviderCheckTests
{
    // A bound no answer of a working provider comes near, however busy the machine.
    private const string Patient = "60";

    // The misbehaving dummy's `create` never answers (hang, wrong-id): the check waits this long
    // for it. The calls before it are bounded by it too, but a late answer there only adds a
    // violation: `create` is called whatever they answered, and `initialize` (the provider's
    // start, slow on a busy machine) gets its own bound of minutes.
    private const string Short = "3";

    private static Task<ProcessResult> CheckAsync(string timeout, params string[] command) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "provider", "check", "--timeout", timeout, "--", .. command]),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_python_example_provider_passes_the_check()
    {
        var result = await CheckAsync(Patient, TestProviders.PythonCommand);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("ok: the provider speaks the protocol", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_well_behaved_dummy_passes_the_check()
    {
        var result = await CheckAsync(Patient, TestProviders.DummyCommand("well-behaved"));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("crash", "closed stdout (exit code 137) before answering `create`")]
    [InlineData("hang", "no answer to `create` within 3s")]
    [InlineData("malformed", "is not a JSON-RPC message (not JSON")]
    [InlineData("wrong-id", "answers id 424242, which no request had")]
    public async Task A_misbehaving_dummy_fails_the_check_with_a_named_violation(string mode, string violation)
    {
        var result = await CheckAsync(Short, TestProviders.DummyCommand(mode));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(violation, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_command_that_is_not_a_provider_fails_the_check()
    {
        // It ends after its line: one that stayed silent would be waited for as long as a starting provider.
        var result = await CheckAsync(Short, "sh", "-c", "echo hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stdout line 1 is not a JSON-RPC message", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("closed stdout (exit code 0) before answering `initialize`", result.StandardOutput, StringComparison.Ordinal);
    }
}

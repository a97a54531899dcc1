using Fleet.Processes;

namespace Fleet.Agent.Tests;

/// <summary>The built fleet-agent executable given a wrong command line: refused by name, exit code 2.</summary>
public sealed class AgentCommandLineTests
{
    private static Task<ProcessResult> AgentAsync(params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet-agent.dll"), .. args]),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_option_last_on_the_line_is_unknown_not_missing_its_value()
    {
        var result = await AgentAsync("status", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("status: unknown option --bogus (status takes --json)", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("needs a value", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_option_with_a_value_names_the_options_the_command_takes()
    {
        var result = await AgentAsync("activate", "--bogus", "x", "--system", "/nix/store/x-system", "--goal", "test");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("activate: unknown option --bogus (activate takes --id, --system, --goal", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_option_instead_of_a_command_names_the_commands()
    {
        var result = await AgentAsync("--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option --bogus: a command comes first (commands: activate, ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("write-secret", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_known_option_without_its_value_still_says_it_needs_one()
    {
        var result = await AgentAsync("secret-status", "--dest");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("option --dest needs a value", result.StandardError, StringComparison.Ordinal);
    }
}

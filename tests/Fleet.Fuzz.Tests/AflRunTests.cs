using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Fuzz.Tests;

/// <summary>
/// The short coverage-guided run: script/fuzz drives each target under afl-fuzz for a fixed number of
/// executions (not a time, so the work does not depend on the machine's speed) from the committed
/// corpus, with a fixed seed; a crash or hang it finds fails the test with the finding's stack.
/// </summary>
public sealed class AflRunTests
{
    /// <summary>Executions per target: about a second or two of fuzzing each here, mostly mutations of the seeds.</summary>
    private const int Executions = 5000;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory(Timeout = TestTimeouts.Local)]
    [MemberData(nameof(Targets))]
    public async Task Afl_fuzzing_a_target_for_a_fixed_number_of_executions_finds_no_crash_or_hang(string target)
    {
        var spec = ProcessSpec.Create(
                Path.Combine(RepositoryPaths.Root, "script", "fuzz"),
                target, "--executions", Executions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-build")
            .WithWorkingDirectory(RepositoryPaths.Root);

        var result = await new ProcessRunner().RunAsync(spec, CancellationToken.None);

        Assert.True(result.ExitCode == 0, $"script/fuzz {target} exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains($"{target}: ", result.StandardOutput, StringComparison.Ordinal);
    }
}

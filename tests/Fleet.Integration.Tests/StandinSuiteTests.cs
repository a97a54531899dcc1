using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Integration.Tests;

/// <summary>
/// The nixpkgs stand-in's own suites (shell scripts beside it), run as part of the test suite so
/// a regression in the stand-in fails CI like any other test.
/// </summary>
public sealed class StandinSuiteTests
{
    private static async Task<ProcessResult> RunAsync(string script)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        return await new ProcessRunner().RunAsync(ProcessSpec.Create("bash", Path.Combine(RepositoryPaths.NixpkgsStandin, script)), timeout.Token);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task The_standin_lib_behaves_like_nixpkgs_lib_in_every_case_of_its_suite()
    {
        var result = await RunAsync("lib-tests/run.sh");

        Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    [Trait("Category", "Integration")]
    public async Task The_standin_switch_to_configuration_passes_its_suite()
    {
        var result = await RunAsync("tests/run.sh");

        Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
    }
}

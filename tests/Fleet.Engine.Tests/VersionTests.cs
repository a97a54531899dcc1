using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>One version everywhere: the repository's VERSION file is what fleet, its built-in providers, the agent and the flake say.</summary>
public sealed class VersionTests
{
    private static string Expected => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "VERSION")).Trim();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleet_version_is_the_VERSION_file_without_a_commit_suffix()
    {
        var result = await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("dotnet", Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "--version"), CancellationToken.None);

        Assert.Equal(Expected, result.StandardOutput.Trim());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_built_in_provider_answers_initialize_with_the_VERSION_file()
    {
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"engineVersion":"test","protocolVersion":1}}""";
        const string Shutdown = """{"jsonrpc":"2.0","id":2,"method":"shutdown","params":{}}""";
        var result = await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("dotnet", Path.Combine(AppContext.BaseDirectory, "fleet-provider-hook.dll")).WithInput(System.Text.Encoding.UTF8.GetBytes(Initialize + "\n" + Shutdown + "\n")),
            CancellationToken.None);

        Assert.Contains($"\"version\":\"{Expected}\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_agent_says_the_VERSION_file()
    {
        var agent = Path.Combine(RepositoryPaths.Root, "artifacts", "agent", "fleet-agent");
        var result = await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create(agent, "version"), CancellationToken.None);

        Assert.Equal(Expected, result.StandardOutput.Trim());
    }

    [Fact]
    public void The_flakes_packages_take_their_version_from_the_VERSION_file()
    {
        // The flake's packages cannot be evaluated here (nixpkgs cannot be fetched): its text is read.
        var flake = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "flake.nix"));

        Assert.Contains("version = nixpkgs.lib.removeSuffix \"\\n\" (builtins.readFile ./VERSION);", flake, StringComparison.Ordinal);
        Assert.Equal(2, flake.Split("inherit version;").Length - 1);
        Assert.DoesNotContain("version = \"", flake, StringComparison.Ordinal);
    }
}

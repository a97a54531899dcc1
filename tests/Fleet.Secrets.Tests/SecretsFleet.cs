using System.Text;
using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Secrets.Tests;

/// <summary>
/// One testbed node `a` and a fleet directory deploying secrets to it with the real `fleet`
/// executable (nodes built with the nixpkgs stand-in). Every secret value a test uses is a fresh
/// random token, so a search of a store or a log cannot find another test's.
/// </summary>
public sealed class SecretsFleet : IAsyncDisposable
{
    private readonly ProcessRunner _runner = new();

    private SecretsFleet(LocalTestbed testbed, string dir)
    {
        Testbed = testbed;
        Dir = dir;
    }

    public LocalTestbed Testbed { get; }

    public string Dir { get; }

    public static async Task<SecretsFleet> UpAsync() =>
        new(await LocalTestbed.UpAsync(["a"], CancellationToken.None, "sx"), Directory.CreateTempSubdirectory("fleet-secrets-").FullName);

    public static string Token(string label) => $"{label}-{Guid.NewGuid():N}";

    /// <summary>Writes fleet.nix: node `a` with the given module body (Nix attrset contents; `pkgs`, `lib` in scope).</summary>
    public void Write(string nodeBody)
    {
        var text = new StringBuilder();
        text.Append("""
            {
              meta.name = "secrets-tests";
              nodes.a = { name, pkgs, lib, config, ... }: {
                system.stateVersion = "24.05";
                system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
                # The deployer confirms as soon as it can; a short timeout would fail a slow machine.
                deployment.rollback.confirmTimeout = 120;

            """);
        text.Append(nodeBody).Append("\n  };\n}\n");
        File.WriteAllText(Path.Combine(Dir, "fleet.nix"), text.ToString());
    }

    public ProcessSpec FleetCommand(params string[] args) =>
        Testbed.ForFleet(ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--nixpkgs", RepositoryPaths.NixpkgsStandin])
            .WithWorkingDirectory(Dir));

    public Task<ProcessResult> FleetAsync(params string[] args) => _runner.RunAsync(FleetCommand(args), CancellationToken.None);

    public async Task<ProcessResult> ApplyAsync(string nodeBody)
    {
        Write(nodeBody);
        var apply = await FleetAsync("apply", "--plain");
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        return apply;
    }

    /// <summary>Runs a shell command inside node `a` and returns its stdout.</summary>
    public async Task<string> OnNodeAsync(string command)
    {
        var result = await Testbed.ExecAsync("a", ["sh", "-c", command], CancellationToken.None);
        Assert.True(result.Succeeded, $"on a: {command}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>"owner group mode content" of a file on the node.</summary>
    public async Task<string> FileAsync(string path) =>
        (await OnNodeAsync($"stat -c '%U %G %a' {path} && cat {path}")).Replace("\n", " ", StringComparison.Ordinal).Trim();

    /// <summary>The inode of a file on the node: every upload renames a new file into place.</summary>
    public async Task<string> InodeAsync(string path) => (await OnNodeAsync($"stat -c %i {path}")).Trim();

    /// <summary>One resource's outputs as `fleet state show` prints them.</summary>
    public async Task<JsonElement> OutputsAsync(string id)
    {
        var show = await FleetAsync("state", "show", id);
        Assert.True(show.ExitCode == 0, show.StandardError);
        using var document = JsonDocument.Parse(show.StandardOutput);
        return document.RootElement.GetProperty("outputs").Clone();
    }

    /// <summary>Files under `root` whose bytes contain `token` (a recursive grep, symlinks not followed).</summary>
    public static async Task<string> GrepAsync(string token, params string[] roots)
    {
        var existing = roots.Where(r => File.Exists(r) || Directory.Exists(r)).ToArray();
        if (existing.Length == 0)
        {
            return "";
        }

        var grep = await new ProcessRunner().RunAsync(ProcessSpec.Create("grep", ["-r", "-l", "-a", "-F", token, "--", .. existing]), CancellationToken.None);

        // Other tests build at the same time, so a file (a build's .lock) can vanish while grep walks
        // the store; such a file holds nothing, and only that error is forgiven.
        var errors = grep.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.EndsWith(": No such file or directory", StringComparison.Ordinal))
            .ToArray();
        var onlyVanished = grep.ExitCode == 2 && errors.Length == 0 && grep.StandardError.Length > 0;
        Assert.True(grep.ExitCode is 0 or 1 || onlyVanished, grep.StandardError);
        return grep.StandardOutput.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        await Testbed.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

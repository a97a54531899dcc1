using Fleet.Agent.Activation;

namespace Fleet.Agent.Tests;

/// <summary>`fleet-agent preview`: what switching to a system would do, found without changing anything on the node.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ActivationPreviewTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-agent-preview").FullName;

    [Fact]
    public async Task Preview_reads_the_units_dry_activate_names_and_the_kernel_change_and_writes_no_agent_record()
    {
        var running = System("running", "linux-6.6.1");
        var next = System("next", "linux-6.7.2", """
            echo "would stop the following units: old.service"
            echo "would activate the configuration..."
            echo "would restart the following units: web.service" >&2
            """);
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        File.CreateSymbolicLink(Path.Combine(_root, "run", "current-system"), running);
        var files = new AgentFiles(new AgentPaths(_root));

        var (preview, code, _) = await new ActivationPreview(files).RunAsync(next, closure: false, units: true, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, code);
        var change = preview!.Change;
        Assert.Equal(running, change.Current);
        Assert.Equal(["old.service"], change.Units!.Stop.ToArray());
        Assert.Equal(["web.service"], change.Units.Restart.ToArray());
        Assert.Empty(change.Units.Start);
        Assert.Equal(["kernel"], change.Reboot!.Changed.ToArray());
        Assert.Null(change.Closure);
        Assert.False(Directory.Exists(files.Paths.StateDirectory));
        Assert.False(Directory.Exists(files.Paths.LogDirectory));
    }

    [Fact]
    public async Task A_failing_dry_activate_is_a_failed_preview_with_its_last_line()
    {
        var next = System("next", "linux-6.6.1", "echo 'error: cannot dry-activate' >&2; exit 3");

        var (preview, code, message) = await new ActivationPreview(new AgentFiles(new AgentPaths(_root))).RunAsync(next, closure: false, units: true, CancellationToken.None);

        Assert.Null(preview);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("exited with 3: error: cannot dry-activate", message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A toplevel-like directory: `kernel` links to KERNEL/bzImage, bin/switch-to-configuration runs DRYRUN.</summary>
    private string System(string name, string kernel, string dryRun = "true")
    {
        var dir = Path.Combine(_root, "store", name);
        Directory.CreateDirectory(Path.Combine(dir, "bin"));
        File.CreateSymbolicLink(Path.Combine(dir, "kernel"), Path.Combine(_root, "store", kernel, "bzImage"));
        var script = Path.Combine(dir, "bin", "switch-to-configuration");
        File.WriteAllText(script, $"#!/bin/sh\n[ \"$1\" = dry-activate ] || exit 1\n{dryRun}\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return dir;
    }
}

using System.Text;
using Fleet.NixOS.Tests;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.DeployUser.Tests;

/// <summary>
/// One testbed node `web` prepared like a machine a person administers: sshd with PAM, reading
/// /etc/ssh/authorized_keys.d/%u as NixOS' does; a nix-daemon; a user `admin` with a real
/// password, in Debian's `sudo` group (the node's /etc/sudoers is Debian's until fleet deploys
/// one) and trusted by the daemon (like `@wheel` on many NixOS machines), logging in with the
/// deployer's key. A fleet directory deploys to it with the real fleet and nixos provider.
/// </summary>
public sealed class SudoFleet : IAsyncDisposable
{
    public const string Password = "c0rrect-h0rse-7391";
    public const string Prompt = "sudo password for the nodes:";

    private readonly ProcessRunner _runner = new();

    private SudoFleet(LocalTestbed testbed, string dir, string deployerKey)
    {
        Testbed = testbed;
        Dir = dir;
        DeployerKey = deployerKey;
    }

    public LocalTestbed Testbed { get; }

    public string Dir { get; }

    public string DeployerKey { get; }

    public static async Task<SudoFleet> UpAsync()
    {
        var testbed = await LocalTestbed.UpAsync(["web"], CancellationToken.None, "du", ["--use-pam", "--nix-daemon"]);
        var runner = new ProcessRunner();
        await runner.RunCheckedAsync(
            ProcessSpec.Create(RepositoryPaths.TestbedScript, "sshd-option", testbed.Name, "web", "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u"),
            CancellationToken.None);
        var key = File.ReadAllText(testbed.Description.IdentityFile + ".pub").Trim();
        var daemonStarts = await NixDaemonStartsAsync(testbed);
        await runner.RunCheckedAsync(
            ProcessSpec.Create(RepositoryPaths.TestbedScript, "exec", testbed.Name, "web", "--", "sh", "-c",
                "useradd --system --create-home --home-dir /var/lib/admin --shell /bin/bash --groups sudo admin && " +
                "mkdir -p /etc/ssh/authorized_keys.d && cat > /etc/ssh/authorized_keys.d/admin && " +
                "printf '\\ntrusted-users = root admin\\n' >> /etc/nix/nix.conf")
                .WithInput(Encoding.UTF8.GetBytes(key + "\n")),
            CancellationToken.None);
        // The password reaches chpasswd on stdin, as a person would type it.
        await runner.RunCheckedAsync(
            ProcessSpec.Create(RepositoryPaths.TestbedScript, "exec", testbed.Name, "web", "--", "chpasswd")
                .WithInput(Encoding.UTF8.GetBytes($"admin:{Password}\n")),
            CancellationToken.None);
        await NewNixDaemonAnsweringAsync(testbed, daemonStarts);
        return new SudoFleet(testbed, Directory.CreateTempSubdirectory("fleet-deploy-user-").FullName, key);
    }

    /// <summary>How many nix-daemons the node's supervisor has started so far (tests/testbed/node-init.sh logs each).</summary>
    private static async Task<int> NixDaemonStartsAsync(LocalTestbed testbed)
    {
        var count = await testbed.ExecAsync("web", ["sh", "-c", "grep -c 'nix-daemon started' /run/testbed/nix-daemon.log || true"], CancellationToken.None);
        Assert.True(count.Succeeded, count.StandardError);
        return int.Parse(count.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the supervisor has replaced the daemon that ran before the nix.conf change
    /// (it stops the old one before it starts and logs the new one) and the new one, which read
    /// the new trusted-users, answers.
    /// </summary>
    private static async Task NewNixDaemonAnsweringAsync(LocalTestbed testbed, int startsBefore)
    {
        var probe = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"[ $(grep -c 'nix-daemon started' /run/testbed/nix-daemon.log) -gt {startsBefore} ] && nix --extra-experimental-features nix-command store ping --store daemon");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!(await testbed.ExecAsync("web", ["sh", "-c", probe], CancellationToken.None)).Succeeded)
        {
            Assert.True(DateTime.UtcNow < deadline, "the node's nix-daemon was not restarted after the nix.conf change");
            await Task.Delay(100);
        }
    }

    /// <summary>fleet.nix: `web` reached as `user`, with services.fleet-deploy-user enabled for the deployer's key (and `more` in its module).</summary>
    public void Write(string user, string version, string more = "") =>
        File.WriteAllText(Path.Combine(Dir, "fleet.nix"), FleetFile.For("web").With("web", $$"""
            imports = [ {{RepositoryPaths.Root}}/nix-modules/nixos/deploy-user.nix ];
            test.version = "{{version}}";
            deployment.targetUser = "{{user}}";
            services.fleet-deploy-user = { enable = true; authorizedKeys = [ "{{DeployerKey}}" ]; };
            # The administrator keeps the sudo it had under Debian's sudoers (the confirmation after
            # the switch runs under the new system's rules).
            security.sudo.extraRules = [ { groups = [ "sudo" ]; commands = [ "ALL" ]; } ];
            {{more}}
            """).Render());

    private ProcessSpec Fleet(params string[] args) =>
        Testbed.ForFleet(ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--nixpkgs", RepositoryPaths.NixpkgsStandin])
            .WithWorkingDirectory(Dir));

    /// <summary>`fleet apply --plain` with stdin not a terminal.</summary>
    public Task<ProcessResult> ApplyAsync() => _runner.RunAsync(Fleet("apply", "--plain"), CancellationToken.None);

    /// <summary>
    /// `fleet apply --ask-sudo-password --plain` under a pseudo terminal, `answer` typed at the
    /// prompt (it travels to the pty helper on stdin). Every command line on the machine is
    /// sampled while it runs.
    /// </summary>
    public async Task<(ProcessResult Result, IReadOnlyCollection<string> CommandLines)> ApplyAtTerminalAsync(string answer)
    {
        var fleet = Fleet("apply", "--ask-sudo-password", "--plain");
        // The pty helper runs fleet with its own environment: it needs the testbed's settings too.
        var spec = Testbed.ForFleet(ProcessSpec.Create("python3", [Path.Combine(AppContext.BaseDirectory, "answer-prompt.py"), Prompt, fleet.FileName, .. fleet.Arguments]))
            .WithWorkingDirectory(Dir)
            .WithEnvironment("TERM", "xterm")
            .WithInput(Encoding.UTF8.GetBytes(answer + "\n"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var done = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    try
                    {
                        seen.Add(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '));
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                    }
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });
        var result = await _runner.RunAsync(spec, CancellationToken.None);
        await done.CancelAsync();
        await sampling;
        return (result, seen);
    }

    public async Task<string> PageAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        return (await http.GetStringAsync(new Uri($"http://{Testbed.Node("web").Address}:8080/index.html"))).Trim();
    }

    /// <summary>Every file under the fleet directory and the node's /var/log and /etc/sudoers, as bytes.</summary>
    public async Task<string> EverythingWrittenAsync()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories))
        {
            text.Append(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }

        var logs = await Testbed.ExecAsync("web", ["sh", "-c", "cat $(find /var/log /var/lib/fleet-agent -type f 2>/dev/null) 2>/dev/null; true"], CancellationToken.None);
        return text.Append(logs.StandardOutput).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Testbed.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }
}

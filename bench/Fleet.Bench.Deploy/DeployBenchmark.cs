using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Bench.Deploy;

/// <summary>
/// `fleet apply` of nixos.system to fresh testbed nodes against a baseline measured in the same
/// run: a sequential loop doing, per node, nix-copy-closure, `nix-env --set` and
/// switch-to-configuration over ssh. Systems are built once beforehand (both sides deploy the
/// same store paths); nodes are built with the nixpkgs stand-in, each system distinct
/// (its hostName and a per-node blob and script) so every copy is real.
/// </summary>
public static class DeployBenchmark
{
    private static readonly ProcessRunner s_runner = new();
    private static readonly CancellationToken s_none = CancellationToken.None;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10, 20];
        var largest = sizes.Max();
        var names = Enumerable.Range(1, largest).Select(i => $"n{i:D2}").ToArray();
        var dir = Directory.CreateTempSubdirectory("fleet-bench-deploy-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "fleet.nix"), FleetNix(names)).ConfigureAwait(false);
            Console.WriteLine($"fleet deploy benchmark ({Environment.ProcessorCount} cores; nixos.system on testbed nodes, nixpkgs stand-in)");

            var clock = Stopwatch.StartNew();
            var systems = await BuildAsync(dir).ConfigureAwait(false);
            Console.WriteLine(Invariant($"built {systems.Count} systems in {clock.Elapsed.TotalSeconds:F1} s (not counted below); closure per node: {await ClosureSizeAsync(systems[names[0]]).ConfigureAwait(false)}"));
            var eval = await TimeAsync(() => FleetAsync(dir, null, "eval")).ConfigureAwait(false);
            Console.WriteLine(Invariant($"evaluation (`fleet eval`, {largest} nodes): {eval:F2} s"));
            Console.WriteLine();
            Console.WriteLine($"{"nodes",6} {"loop s",8} {"fleet s",8} {"loop/fleet",11} {"loop cpu s",11} {"fleet cpu s",12} {"of which deployer",18}");

            var fleetTimes = new Dictionary<int, double>();
            double loop20 = 0;
            double cpuBound = 0;
            var deployerShare = (Deployer: 0.0, All: 0.0);
            foreach (var n in sizes)
            {
                var nodes = names[..n];
                var loopCpu = 0.0;
                var fleetCpu = 0.0;
                var deployerCpu = 0.0;
                var loop = await WithTestbedAsync(nodes, async tb =>
                {
                    var before = MachineCpuSeconds();
                    var seconds = await LoopAsync(tb, nodes, systems).ConfigureAwait(false);
                    loopCpu = MachineCpuSeconds() - before;
                    return seconds;
                }).ConfigureAwait(false);
                var fleet = await WithTestbedAsync(nodes, async tb =>
                {
                    var before = MachineCpuSeconds();
                    var deployerBefore = DeployerCpuSeconds();
                    var seconds = await TimeAsync(() => FleetAsync(dir, tb, "apply", "--plain", "--parallel", "32", "--on", string.Join(',', nodes))).ConfigureAwait(false);
                    fleetCpu = MachineCpuSeconds() - before;
                    deployerCpu = DeployerCpuSeconds() - deployerBefore;
                    return seconds;
                }).ConfigureAwait(false);
                fleetTimes[n] = fleet;
                loop20 = loop;
                Console.WriteLine(Invariant($"{n,6} {loop,8:F2} {fleet,8:F2} {loop / fleet,10:F1}x {loopCpu,11:F2} {fleetCpu,12:F2} {deployerCpu,18:F2}"));
                deployerShare = (deployerCpu, fleetCpu);
                cpuBound = loop / (loopCpu / Environment.ProcessorCount);
            }

            // One node alone, for a few nodes spread over the fleet; the slowest counts.
            var probes = new[] { names[0], names[largest / 2], names[^1] };
            var singles = new List<double>();
            foreach (var node in probes)
            {
                singles.Add(await WithTestbedAsync([node], tb => TimeAsync(() => FleetAsync(dir, tb, "apply", "--plain", "--on", node))).ConfigureAwait(false));
            }

            var slowest = singles.Max();
            var (noop, noopEval) = await WithTestbedAsync(names, async tb =>
            {
                var state = Directory.CreateTempSubdirectory("fleet-bench-noop-").FullName;
                File.Copy(Path.Combine(dir, "fleet.nix"), Path.Combine(state, "fleet.nix"));
                await FleetAsync(state, tb, "apply", "--plain", "--parallel", "32").ConfigureAwait(false);
                var again = await TimeAsync(() => FleetAsync(state, tb, "apply", "--plain", "--parallel", "32")).ConfigureAwait(false);
                var evalAgain = await TimeAsync(() => FleetAsync(state, tb, "eval")).ConfigureAwait(false);
                Directory.Delete(state, recursive: true);
                return (again, evalAgain);
            }).ConfigureAwait(false);

            Console.WriteLine();
            Console.WriteLine(Invariant($"one node alone (fleet apply --on, fresh node): {string.Join(", ", probes.Zip(singles, (p, s) => Invariant($"{p} {s:F2} s")))}; slowest {slowest:F2} s"));
            Console.WriteLine(Invariant($"no-op apply of {largest} nodes: {noop:F2} s, of which evaluation {noopEval:F2} s -> {noop - noopEval:F2} s beyond evaluation"));
            Console.WriteLine(Invariant($"CPU split at {largest} nodes: fleet's side (fleet, providers, ssh clients, nix-copy-closure) {deployerShare.Deployer:F2} s, the nodes' side (sshd, nix-store imports, agent, switch-to-configuration, services) {deployerShare.All - deployerShare.Deployer:F2} s; on this testbed both share the same {Environment.ProcessorCount} cores"));
            Console.WriteLine(Invariant($"CPU bound: the loop's own CPU time alone, spread over {Environment.ProcessorCount} cores, allows at most {cpuBound:F1}x over the loop at {largest} nodes"));
            Console.WriteLine();
            var speedup = loop20 / fleetTimes[largest];
            var vsSingle = fleetTimes[largest] / slowest;
            var beyondEval = noop - noopEval;
            Goal($">= 8x faster than the loop at {largest} nodes", speedup >= 8, Invariant($"{speedup:F1}x"));
            Goal($"{largest} nodes within 1.3x of the slowest single node", vsSingle <= 1.3, Invariant($"{vsSingle:F2}x ({fleetTimes[largest]:F2} s vs {slowest:F2} s)"));
            Goal("no-op apply under 2 s beyond evaluation", beyondEval < 2, Invariant($"{beyondEval:F2} s"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Goal(string what, bool met, string measured) =>
        Console.WriteLine($"goal {(met ? "MET   " : "MISSED")} {what}: {measured}");

    /// <summary>Every node: the common web service plus a per-node blob (~200 KB) and script, so closures differ.</summary>
    private static string FleetNix(IEnumerable<string> names)
    {
        var text = new StringBuilder("""
            {
              meta.name = "bench";
              defaults = { name, pkgs, lib, ... }: {
                system.stateVersion = "24.05";
                system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
                environment.etc."web/index.html".text = "${name}\n";
                environment.etc."blob".source = pkgs.writeText "blob-${name}"
                  (builtins.concatStringsSep "" (builtins.genList (i: "${name} line ${toString i}\n") 12000));
                environment.systemPackages = [ pkgs.curl (pkgs.writeShellScriptBin "hello-${name}" "echo hello from ${name}") ];
                systemd.services.web = {
                  wantedBy = [ "multi-user.target" ];
                  script = "exec ${pkgs.python3}/bin/python3 -m http.server 8080 --directory /etc/web";
                };
              };

            """);
        foreach (var name in names)
        {
            text.Append("  nodes.").Append(name).Append(" = { };\n");
        }

        return text.Append("}\n").ToString();
    }

    private static async Task<Dictionary<string, string>> BuildAsync(string dir)
    {
        var build = Directory.CreateTempSubdirectory("fleet-bench-build-").FullName;
        File.Copy(Path.Combine(dir, "fleet.nix"), Path.Combine(build, "fleet.nix"));
        await FleetAsync(build, null, "apply", "--plain", "--goal", "build", "--parallel", "32").ConfigureAwait(false);
        var list = await FleetAsync(build, null, "state", "list", "--json").ConfigureAwait(false);
        using var document = JsonDocument.Parse(list.StandardOutput);
        var systems = document.RootElement.EnumerateArray().ToDictionary(
            r => r.GetProperty("node").GetString()!, r => r.GetProperty("outputs").GetProperty("systemPath").GetString()!);
        Directory.Delete(build, recursive: true);
        return systems;
    }

    private static async Task<string> ClosureSizeAsync(string system)
    {
        var paths = await s_runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--query", "--requisites", system), s_none).ConfigureAwait(false);
        var size = await s_runner.RunCheckedAsync(ProcessSpec.Create("nix-store", ["--query", "--size", .. paths.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)]), s_none).ConfigureAwait(false);
        var bytes = size.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(l => long.Parse(l, CultureInfo.InvariantCulture));
        return Invariant($"{paths.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} store paths, {bytes / 1024} KiB NAR (plus the 7 MB agent for fleet)");
    }

    /// <summary>The baseline: per node, one after another, what a shell loop over the fleet would do.</summary>
    private static Task<double> LoopAsync(LocalTestbed testbed, IEnumerable<string> nodes, Dictionary<string, string> systems) =>
        TimeAsync(async () =>
        {
            foreach (var node in nodes)
            {
                var system = systems[node];
                await s_runner.RunCheckedAsync(
                    ProcessSpec.Create("nix-copy-closure", "--to", $"root@{node}", system).WithEnvironment("NIX_SSHOPTS", testbed.NixSshOptions), s_none).ConfigureAwait(false);
                await s_runner.RunCheckedAsync(ProcessSpec.Create("ssh", "-F", testbed.Description.SshConfig, node, "nix-env", "-p", "/nix/var/nix/profiles/system", "--set", system), s_none).ConfigureAwait(false);
                await s_runner.RunCheckedAsync(ProcessSpec.Create("ssh", "-F", testbed.Description.SshConfig, node, $"{system}/bin/switch-to-configuration", "switch"), s_none).ConfigureAwait(false);
            }

            return new ProcessResult(0, "", "", TimeSpan.Zero);
        });

    private static async Task<T> WithTestbedAsync<T>(IEnumerable<string> nodes, Func<LocalTestbed, Task<T>> body)
    {
        await using var testbed = await LocalTestbed.UpAsync(nodes, s_none, "bd").ConfigureAwait(false);
        return await body(testbed).ConfigureAwait(false);
    }

    private static readonly int[] s_busyFields = [1, 2, 3, 6, 7, 8];

    /// <summary>
    /// CPU time of this process's finished children and their descendants (cutime + cstime of
    /// /proc/self/stat): the deployer's side of a fleet run, not the nodes' processes, which
    /// descend from the nodes' sshd.
    /// </summary>
    private static double DeployerCpuSeconds()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", fields start at the third (state); cutime and cstime are the 16th and 17th.
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>CPU time the whole machine spent (all processes, nodes included), from /proc/stat.</summary>
    private static double MachineCpuSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
        var busy = s_busyFields.Sum(i => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture));
        return busy / 100.0;
    }

    private static async Task<double> TimeAsync(Func<Task<ProcessResult>> run)
    {
        var clock = Stopwatch.StartNew();
        var result = await run().ConfigureAwait(false);
        clock.Stop();
        return result.Succeeded
            ? clock.Elapsed.TotalSeconds
            : throw new InvalidOperationException($"failed (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
    }

    private static async Task<ProcessResult> FleetAsync(string dir, LocalTestbed? testbed, params string[] args)
    {
        var spec = ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--nixpkgs", RepositoryPaths.NixpkgsStandin])
            .WithWorkingDirectory(dir)
            .WithEnvironment("NIX_CONFIG", "substituters ="); // no internet here: asking cache.nixos.org only costs retries
        if (testbed is not null)
        {
            spec = testbed.ForFleet(spec);
        }

        var result = await s_runner.RunAsync(spec, s_none).ConfigureAwait(false);
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"fleet {string.Join(' ', args)} failed (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);
}

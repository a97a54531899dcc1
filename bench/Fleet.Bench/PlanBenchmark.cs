using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;
using Fleet.Engine.Providers;
using Fleet.Processes;
using Fleet.Protocol;
using Fleet.State;
using Fleet.Testbed;

namespace Fleet.Bench;

/// <summary>
/// Plan time for N resources of the Python example provider (evaluation excluded), against a
/// baseline measured in the same run: the same N `plan` calls sent straight through one
/// ProviderClient, without the engine (no DAG, no state, no reference resolution).
/// </summary>
public static class PlanBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1_000, 10_000];
        Console.WriteLine("fleet plan benchmark (local.file, Python provider; evaluation excluded)");
        Console.WriteLine($"{"resources",10} {"baseline s",11} {"plan s",8} {"plan/base",10} {"noop plan s",12} {"ms/resource",12}");
        var results = new List<(int N, double Plan)>();
        foreach (var n in sizes)
        {
            var baseline = await BaselineAsync(n).ConfigureAwait(false);
            var (fresh, noop) = await PlanAsync(n).ConfigureAwait(false);
            results.Add((n, fresh));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,10} {baseline,11:F3} {fresh,8:F3} {fresh / baseline,10:F2} {noop,12:F3} {fresh * 1000 / n,12:F3}"));
        }

        Process.GetCurrentProcess().Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB"));
        if (results.Count >= 2)
        {
            var (n1, t1) = results[0];
            var (n2, t2) = results[^1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scaling {n2}/{n1}: time ratio {t2 / t1:F2} for {(double)n2 / n1:F0}x the resources"));
        }

        var first = results.FirstOrDefault(r => r.N == 1_000);
        if (first.N == 1_000)
        {
            Console.WriteLine(first.Plan < 1.0 ? "goal met: plan of 1,000 resources under 1 s" : "GOAL MISSED: plan of 1,000 resources took 1 s or more");
        }

        return 0;
    }

    private static ProviderDeclaration Python() =>
        new("local", ["python3", Path.Combine(RepositoryPaths.Root, "providers", "examples", "local-file", "provider.py")], TimeSpan.FromMinutes(5));

    private static JsonElement Inputs(string dir, int i) =>
        JsonSerializer.SerializeToElement(
            new Dictionary<string, string> { ["path"] = Path.Combine(dir, $"f{i}.txt"), ["content"] = $"content {i}" },
            BenchJsonContext.Default.DictionaryStringString);

    private static async Task<double> BaselineAsync(int n)
    {
        var dir = Directory.CreateTempSubdirectory("fleet-bench-").FullName;
        await using var client = await ProviderClient.StartAsync(Python(), new ProcessRunner(), CancellationToken.None).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await client.PlanAsync(new PlanParams($"r{i}", "local.file", null, null, Inputs(dir, i)), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        Directory.Delete(dir, true);
        return elapsed;
    }

    /// <summary>A fresh plan (empty state: all creates) and a refreshed no-op plan over a full state.</summary>
    private static async Task<(double Fresh, double Noop)> PlanAsync(int n)
    {
        var dir = Directory.CreateTempSubdirectory("fleet-bench-").FullName;
        var resources = Enumerable.Range(0, n).ToImmutableSortedDictionary(
            i => $"r{i:D6}",
            i => new Resource($"r{i:D6}", "local.file", null, Inputs(dir, i), []),
            StringComparer.Ordinal);
        var graph = new ResourceGraph("bench", resources) { Providers = ImmutableSortedDictionary<string, ProviderDeclaration>.Empty.Add("local", Python()) };
        await using var state = await StateStore.OpenAsync(Path.Combine(dir, "state.db"), CancellationToken.None).ConfigureAwait(false);
        await using var providers = new ProviderRegistry(graph.Providers, new ProcessRunner());
        await providers.GetAsync("local", CancellationToken.None).ConfigureAwait(false); // start-up is not planning

        var watch = Stopwatch.StartNew();
        var plan = await new Planner(state, providers).PlanAsync(graph, PlanScope.Everything, CancellationToken.None).ConfigureAwait(false);
        var fresh = watch.Elapsed.TotalSeconds;
        if (plan.Count(PlanAction.Create) != n)
        {
            throw new InvalidOperationException($"expected {n} creates, got: {plan.Summary}");
        }

        // Record every resource as applied (without touching files) so the second plan refreshes each one.
        var now = DateTimeOffset.UtcNow;
        var outputs = JsonSerializer.SerializeToElement(new Dictionary<string, string>(), BenchJsonContext.Default.DictionaryStringString);
        foreach (var r in resources.Values)
        {
            await state.PutAsync(new ResourceState(r.Id, r.Type, "local", null, r.Inputs, outputs, ResourceStatus.Ready, now, now, null), CancellationToken.None).ConfigureAwait(false);
        }

        watch.Restart();
        await new Planner(state, providers).PlanAsync(graph, PlanScope.Everything, CancellationToken.None).ConfigureAwait(false);
        var noop = watch.Elapsed.TotalSeconds;
        Directory.Delete(dir, true);
        return (fresh, noop);
    }
}

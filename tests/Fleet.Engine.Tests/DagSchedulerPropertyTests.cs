using System.Collections.Concurrent;
using System.Collections.Immutable;
using Fleet.Engine.Apply;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Fleet.Engine.Tests;

/// <summary>Properties of the apply scheduler over random DAGs, parallelism bounds and failures.</summary>
public sealed class DagSchedulerPropertyTests
{
    /// <summary>A random DAG: edges only from a lower to a higher index, so it is acyclic.</summary>
    public sealed record Scenario(ImmutableDictionary<string, ImmutableArray<string>> Dependencies, int Parallelism, ImmutableHashSet<string> Failing);

    public static class Scenarios
    {
        public static Arbitrary<Scenario> Generate() =>
            (from size in Gen.Choose(1, 25)
             from edges in Gen.ListOf(Gen.Two(Gen.Choose(0, size - 1)), size * 2)
             from parallelism in Gen.Choose(1, 6)
             from failing in Gen.SubListOf(Enumerable.Range(0, size).ToArray())
             from failRate in Gen.Choose(0, 3)
             select Build(size, edges, parallelism, failing.Take(failRate))).ToArbitrary();

        private static Scenario Build(int size, IEnumerable<(int, int)> edges, int parallelism, IEnumerable<int> failing)
        {
            var deps = Enumerable.Range(0, size).ToDictionary(i => $"r{i}", _ => new SortedSet<string>());
            foreach (var (a, b) in edges)
            {
                if (a != b)
                {
                    deps[$"r{Math.Max(a, b)}"].Add($"r{Math.Min(a, b)}");
                }
            }

            return new Scenario(
                deps.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray()),
                parallelism,
                failing.Select(i => $"r{i}").ToImmutableHashSet());
        }
    }

    private static async Task<(ImmutableSortedDictionary<string, StepOutcome> Outcomes, ConcurrentQueue<(string Id, bool Start)> Log, int MaxConcurrent)> RunAsync(Scenario s)
    {
        var log = new ConcurrentQueue<(string, bool)>();
        var current = 0;
        var max = 0;
        var outcomes = await new DagScheduler(s.Parallelism).RunAsync(s.Dependencies, async id =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref max, now);
            log.Enqueue((id, true));
            await Task.Delay(Random.Shared.Next(0, 3));
            log.Enqueue((id, false));
            Interlocked.Decrement(ref current);
            return !s.Failing.Contains(id);
        }, CancellationToken.None);
        return (outcomes, log, max);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Property(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool A_dependency_always_finishes_before_its_dependents_start(Scenario s)
    {
        var (_, log, _) = RunAsync(s).GetAwaiter().GetResult();
        var events = log.ToList();
        return events.Where(e => e.Start).All(start =>
            s.Dependencies[start.Id].All(dep =>
                events.IndexOf((dep, false)) is var end && end >= 0 && end < events.IndexOf(start)));
    }

    [Property(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool The_parallel_bound_holds(Scenario s)
    {
        var (_, _, max) = RunAsync(s).GetAwaiter().GetResult();
        return max <= s.Parallelism;
    }

    [Property(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool A_failure_never_starts_a_dependent_and_independent_steps_still_run(Scenario s)
    {
        var (outcomes, log, _) = RunAsync(s).GetAwaiter().GetResult();
        var started = log.Where(e => e.Start).Select(e => e.Id).ToHashSet();
        bool Blocked(string id) => s.Dependencies[id].Any(d => s.Failing.Contains(d) || Blocked(d));
        return s.Dependencies.Keys.All(id => Blocked(id)
            ? !started.Contains(id) && outcomes[id] == StepOutcome.Skipped
            : started.Contains(id) && outcomes[id] == (s.Failing.Contains(id) ? StepOutcome.Failed : StepOutcome.Succeeded));
    }

    [Fact]
    public async Task Stopping_starts_nothing_new_and_lets_running_steps_end()
    {
        using var stop = new CancellationTokenSource();
        var deps = new Dictionary<string, ImmutableArray<string>> { ["a"] = [], ["b"] = ["a"], ["c"] = [] };
        var finished = new ConcurrentBag<string>();
        var outcomes = await new DagScheduler(1).RunAsync(deps, async id =>
        {
            await stop.CancelAsync();
            await Task.Delay(20, CancellationToken.None);
            finished.Add(id);
            return true;
        }, stop.Token);

        Assert.Equal(StepOutcome.Succeeded, outcomes["a"]);
        Assert.Equal(["a"], finished);
        Assert.Equal(StepOutcome.NotStarted, outcomes["b"]);
        Assert.Equal(StepOutcome.NotStarted, outcomes["c"]);
    }
}

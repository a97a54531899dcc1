using System.Collections.Concurrent;
using System.Collections.Immutable;
using Fleet.Engine.Apply;
using Fleet.Engine.Planning;
using Fleet.Protocol;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Fleet.Engine.Tests;

/// <summary>Properties of the apply scheduler over random DAGs, parallelism bounds and failures, and of the order it gets for deletes.</summary>
public sealed class DagSchedulerPropertyTests
{
    /// <summary>No scenario takes a scheduler that works this long; one that hangs fails its property saying so.</summary>
    private static readonly TimeSpan s_runLimit = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A random DAG: edges only from a lower to a higher index, so it is acyclic. Each step's
    /// delay (0-2 ms) comes from <see cref="DelaySeed"/>, so a failing scenario, printed by
    /// FsCheck, names the delays it ran with too.
    /// </summary>
    public sealed record Scenario(ImmutableDictionary<string, ImmutableArray<string>> Dependencies, int Parallelism, ImmutableHashSet<string> Failing, int DelaySeed);

    public static class Scenarios
    {
        public static Arbitrary<Scenario> Generate() =>
            (from size in Gen.Choose(1, 25)
             from edges in Gen.ListOf(Gen.Two(Gen.Choose(0, size - 1)), size * 2)
             from parallelism in Gen.Choose(1, 6)
             from failing in Gen.SubListOf(Enumerable.Range(0, size).ToArray())
             from failRate in Gen.Choose(0, 3)
             from delaySeed in Gen.Choose(0, int.MaxValue)
             select Build(size, edges, parallelism, failing.Take(failRate), delaySeed)).ToArbitrary();

        private static Scenario Build(int size, IEnumerable<(int, int)> edges, int parallelism, IEnumerable<int> failing, int delaySeed)
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
                failing.Select(i => $"r{i}").ToImmutableHashSet(),
                delaySeed);
        }
    }

    /// <summary>
    /// A random plan over a random state: each resource is gone from the graph (deleted) or has
    /// another action; recorded and graph dependencies point from a higher to a lower index.
    /// </summary>
    public sealed record DeleteScenario(
        ImmutableDictionary<string, PlanAction> Actions,
        ImmutableDictionary<string, ImmutableArray<string>> Recorded,
        ImmutableDictionary<string, ImmutableArray<string>> Graph,
        int Parallelism,
        ImmutableHashSet<string> Failing,
        int DelaySeed)
    {
        public ImmutableSortedDictionary<string, ImmutableArray<string>> WaitsFor => ChangeOrder.Build(Actions, Graph, Recorded);

        /// <summary>Resources whose change a delete of <paramref name="id"/> must wait for: its recorded dependents that go or change.</summary>
        public IEnumerable<string> DependentsThatChange(string id) => Recorded
            .Where(r => r.Value.Contains(id) && Actions[r.Key] is PlanAction.Delete or PlanAction.Replace or PlanAction.Update)
            .Select(r => r.Key);
    }

    public static class DeleteScenarios
    {
        private static readonly PlanAction[] s_actions = [PlanAction.Delete, PlanAction.Delete, PlanAction.Update, PlanAction.Replace, PlanAction.Noop, PlanAction.Create];

        public static Arbitrary<DeleteScenario> Generate() =>
            (from size in Gen.Choose(1, 20)
             from actions in Gen.ArrayOf(Gen.Elements(s_actions), size)
             from recorded in Gen.ListOf(Gen.Two(Gen.Choose(0, size - 1)), size * 2)
             from graph in Gen.ListOf(Gen.Two(Gen.Choose(0, size - 1)), size)
             from parallelism in Gen.Choose(1, 6)
             from failing in Gen.SubListOf(Enumerable.Range(0, size).ToArray())
             from failRate in Gen.Choose(0, 3)
             from delaySeed in Gen.Choose(0, int.MaxValue)
             select Build(actions, recorded, graph, parallelism, failing.Take(failRate), delaySeed)).ToArbitrary();

        private static DeleteScenario Build(PlanAction[] actions, IEnumerable<(int, int)> recorded, IEnumerable<(int, int)> graph, int parallelism, IEnumerable<int> failing, int delaySeed)
        {
            var ids = Enumerable.Range(0, actions.Length).Select(i => $"r{i}").ToArray();
            return new DeleteScenario(
                ids.Select((id, i) => (id, actions[i])).ToImmutableDictionary(p => p.id, p => p.Item2),
                Edges(recorded, _ => true),
                Edges(graph, i => actions[i] != PlanAction.Delete),
                parallelism,
                failing.Select(i => ids[i]).ToImmutableHashSet(),
                delaySeed);

            ImmutableDictionary<string, ImmutableArray<string>> Edges(IEnumerable<(int, int)> pairs, Func<int, bool> present)
            {
                var deps = ids.ToDictionary(id => id, _ => new SortedSet<string>());
                foreach (var (a, b) in pairs.Where(p => p.Item1 != p.Item2 && present(p.Item1) && present(p.Item2)))
                {
                    deps[ids[Math.Max(a, b)]].Add(ids[Math.Min(a, b)]);
                }

                return deps.Where(kv => present(Array.IndexOf(ids, kv.Key))).ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
            }
        }
    }

    private static (ImmutableSortedDictionary<string, StepOutcome> Outcomes, ConcurrentQueue<(string Id, bool Start)> Log, int MaxConcurrent) Run(Scenario s) =>
        Run(s.Dependencies, s.Parallelism, s.Failing, s.DelaySeed);

    /// <summary>Runs the scheduler over the scenario, each step taking its seeded delay; fails if the run outlasts <see cref="s_runLimit"/>.</summary>
    private static (ImmutableSortedDictionary<string, StepOutcome> Outcomes, ConcurrentQueue<(string Id, bool Start)> Log, int MaxConcurrent) Run(
        IReadOnlyDictionary<string, ImmutableArray<string>> dependencies, int parallelism, ImmutableHashSet<string> failing, int delaySeed)
    {
        try
        {
            return RunAsync(dependencies, parallelism, failing, delaySeed).WaitAsync(s_runLimit).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the scheduler did not finish this scenario within {s_runLimit}: it hangs");
        }
    }

    private static async Task<(ImmutableSortedDictionary<string, StepOutcome> Outcomes, ConcurrentQueue<(string Id, bool Start)> Log, int MaxConcurrent)> RunAsync(
        IReadOnlyDictionary<string, ImmutableArray<string>> dependencies, int parallelism, ImmutableHashSet<string> failing, int delaySeed)
    {
        var random = new Random(delaySeed);
        var delays = dependencies.Keys.Order(StringComparer.Ordinal).ToDictionary(id => id, _ => random.Next(0, 3), StringComparer.Ordinal);
        var log = new ConcurrentQueue<(string, bool)>();
        var current = 0;
        var max = 0;
        var outcomes = await new DagScheduler(parallelism).RunAsync(dependencies, async id =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref max, now);
            log.Enqueue((id, true));
            await Task.Delay(delays[id]);
            log.Enqueue((id, false));
            Interlocked.Decrement(ref current);
            return !failing.Contains(id);
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

    [ReplayableProperty(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool A_dependency_always_finishes_before_its_dependents_start(Scenario s)
    {
        var (_, log, _) = Run(s);
        var events = log.ToList();
        return events.Where(e => e.Start).All(start =>
            s.Dependencies[start.Id].All(dep =>
                events.IndexOf((dep, false)) is var end && end >= 0 && end < events.IndexOf(start)));
    }

    [ReplayableProperty(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool The_parallel_bound_holds(Scenario s)
    {
        var (_, _, max) = Run(s);
        return max <= s.Parallelism;
    }

    [ReplayableProperty(Arbitrary = [typeof(Scenarios)], MaxTest = 60)]
    public bool A_failure_never_starts_a_dependent_and_independent_steps_still_run(Scenario s)
    {
        var (outcomes, log, _) = Run(s);
        var started = log.Where(e => e.Start).Select(e => e.Id).ToHashSet();
        bool Blocked(string id) => s.Dependencies[id].Any(d => s.Failing.Contains(d) || Blocked(d));
        return s.Dependencies.Keys.All(id => Blocked(id)
            ? !started.Contains(id) && outcomes[id] == StepOutcome.Skipped
            : started.Contains(id) && outcomes[id] == (s.Failing.Contains(id) ? StepOutcome.Failed : StepOutcome.Succeeded));
    }

    [ReplayableProperty(Arbitrary = [typeof(DeleteScenarios)], MaxTest = 60)]
    public bool A_delete_never_starts_before_its_recorded_dependents_that_go_or_change_have_succeeded(DeleteScenario s)
    {
        var (outcomes, log, _) = Run(s.WaitsFor, s.Parallelism, s.Failing, s.DelaySeed);
        var events = log.ToList();
        return events.Where(e => e.Start && s.Actions[e.Id] == PlanAction.Delete).All(start =>
            s.DependentsThatChange(start.Id).All(dependent =>
                outcomes[dependent] == StepOutcome.Succeeded
                && events.IndexOf((dependent, false)) is var end && end >= 0 && end < events.IndexOf(start)));
    }

    [ReplayableProperty(Arbitrary = [typeof(DeleteScenarios)], MaxTest = 60)]
    public bool A_failed_delete_keeps_everything_it_depended_on_that_was_to_be_deleted(DeleteScenario s)
    {
        var (outcomes, log, _) = Run(s.WaitsFor, s.Parallelism, s.Failing, s.DelaySeed);
        var started = log.Where(e => e.Start).Select(e => e.Id).ToHashSet();
        bool Kept(string id) => s.DependentsThatChange(id).Any(d => (s.Failing.Contains(d) && s.Actions[d] == PlanAction.Delete) || (s.Actions[d] == PlanAction.Delete && Kept(d)));
        return s.Actions.Where(a => a.Value == PlanAction.Delete && Kept(a.Key)).All(a => !started.Contains(a.Key) && outcomes[a.Key] == StepOutcome.Skipped);
    }

    [Fact(Timeout = TestTimeouts.Local)]
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

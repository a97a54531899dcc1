using System.Collections.Immutable;

namespace Fleet.Engine.Apply;

/// <summary>
/// Runs steps in dependency order with at most N at once. A step starts only after all of its
/// dependencies succeeded; a failure skips its dependents (transitively) and lets independent
/// steps finish. Cancelling `stopStarting` starts nothing new but lets running steps end.
/// </summary>
public sealed class DagScheduler
{
    private readonly int _parallelism;

    public DagScheduler(int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _parallelism = parallelism;
    }

    public async Task<ImmutableSortedDictionary<string, StepOutcome>> RunAsync(
        IReadOnlyDictionary<string, ImmutableArray<string>> dependencies,
        Func<string, Task<bool>> step,
        CancellationToken stopStarting)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        ArgumentNullException.ThrowIfNull(step);
        var outcomes = new Dictionary<string, StepOutcome>(StringComparer.Ordinal);
        var waitingOn = dependencies.ToDictionary(
            kv => kv.Key,
            kv => new HashSet<string>(kv.Value.Where(dependencies.ContainsKey), StringComparer.Ordinal),
            StringComparer.Ordinal);
        var dependents = dependencies.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, deps) in waitingOn)
        {
            foreach (var dep in deps)
            {
                dependents[dep].Add(id);
            }
        }

        var ready = new SortedSet<string>(waitingOn.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key), StringComparer.Ordinal);
        var running = new Dictionary<Task<bool>, string>();

        while (ready.Count > 0 || running.Count > 0)
        {
            while (ready.Count > 0 && running.Count < _parallelism && !stopStarting.IsCancellationRequested)
            {
                var id = ready.Min!;
                ready.Remove(id);
                running[RunStepAsync(step, id)] = id;
            }

            if (running.Count == 0)
            {
                break; // interrupted: what is ready stays unstarted
            }

            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var finishedId = running[finished];
            running.Remove(finished);
            var succeeded = await finished.ConfigureAwait(false);
            outcomes[finishedId] = succeeded ? StepOutcome.Succeeded : StepOutcome.Failed;
            foreach (var dependent in dependents[finishedId])
            {
                if (!succeeded)
                {
                    Skip(dependent);
                }
                else if (!outcomes.ContainsKey(dependent) && waitingOn[dependent].Remove(finishedId) && waitingOn[dependent].Count == 0)
                {
                    ready.Add(dependent);
                }
            }
        }

        foreach (var id in dependencies.Keys.Where(id => !outcomes.ContainsKey(id)))
        {
            outcomes[id] = StepOutcome.NotStarted;
        }

        return outcomes.ToImmutableSortedDictionary(StringComparer.Ordinal);

        void Skip(string id)
        {
            if (outcomes.TryAdd(id, StepOutcome.Skipped))
            {
                ready.Remove(id);
                foreach (var dependent in dependents[id])
                {
                    Skip(dependent);
                }
            }
        }
    }

    private static async Task<bool> RunStepAsync(Func<string, Task<bool>> step, string id)
    {
        await Task.Yield();
        try
        {
            return await step(id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}

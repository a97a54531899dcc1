using System.CommandLine;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;
using Fleet.Engine.Providers;
using Fleet.State;

namespace Fleet.Cli;

/// <summary>
/// What plan and apply work with: the evaluated graph, the state and the providers. The state is
/// opened first (a mistyped path or a damaged database stops the verb before anything runs) and
/// for reading: a missing one is an empty stand-in until <see cref="CreateStateIfMissingAsync"/>.
/// </summary>
internal sealed class FleetSession : IAsyncDisposable
{
    private FleetSession(ResourceGraph evaluated, ResourceGraph graph, StateStore state, ProviderRegistry providers)
    {
        Evaluated = evaluated;
        Graph = graph;
        State = state;
        Providers = providers;
    }

    /// <summary>The graph as the configuration gives it, before a verb's adjustment (run-only overrides, a slice).</summary>
    public ResourceGraph Evaluated { get; }

    /// <summary>The graph this run plans and applies.</summary>
    public ResourceGraph Graph { get; }

    public StateStore State { get; private set; }

    public ProviderRegistry Providers { get; }

    public static async Task<FleetSession> OpenAsync(
        ParseResult parse,
        CancellationToken cancellationToken,
        Func<ResourceGraph, ResourceGraph>? adjust = null,
        Fleet.Protocol.CredentialsParams? credentials = null)
    {
        var state = await StateAccess.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
        try
        {
            var evaluated = await FleetOptions.Evaluator(parse).EvaluateGraphAsync(FleetOptions.Source(parse), cancellationToken).ConfigureAwait(false);
            var graph = adjust is null ? evaluated : adjust(evaluated);
            var providers = new ProviderRegistry(graph.Providers, FleetOptions.Runner(parse)) { Credentials = credentials ?? Fleet.Protocol.CredentialsParams.None };
            return new FleetSession(evaluated, graph, state, providers);
        }
        catch
        {
            await state.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Refuses a selection that selects nothing and an unknown resource type, before the state is created or locked.</summary>
    public Task CheckAsync(PlanScope scope, CancellationToken cancellationToken) =>
        new Planner(State, Providers).CheckAsync(Graph, scope, cancellationToken);

    /// <summary>Replaces an empty stand-in by a state on disk, created now (apply, plan -o).</summary>
    public async Task CreateStateIfMissingAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (!State.IsEphemeral)
        {
            return;
        }

        var created = await StateAccess.OpenForWritingAsync(parse, cancellationToken).ConfigureAwait(false);
        await State.DisposeAsync().ConfigureAwait(false);
        State = created;
    }

    public async ValueTask DisposeAsync()
    {
        await Providers.DisposeAsync().ConfigureAwait(false);
        await State.DisposeAsync().ConfigureAwait(false);
    }
}

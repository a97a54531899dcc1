using System.CommandLine;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.State;

namespace Fleet.Cli;

/// <summary>What plan and apply work with: the evaluated graph, the state and the providers.</summary>
internal sealed class FleetSession : IAsyncDisposable
{
    private FleetSession(ResourceGraph graph, StateStore state, ProviderRegistry providers)
    {
        Graph = graph;
        State = state;
        Providers = providers;
    }

    public ResourceGraph Graph { get; }

    public StateStore State { get; }

    public ProviderRegistry Providers { get; }

    public static async Task<FleetSession> OpenAsync(
        ParseResult parse,
        CancellationToken cancellationToken,
        Func<ResourceGraph, ResourceGraph>? adjust = null,
        Fleet.Protocol.CredentialsParams? credentials = null)
    {
        var evaluated = await FleetOptions.Evaluator(parse).EvaluateGraphAsync(FleetOptions.Source(parse), cancellationToken).ConfigureAwait(false);
        var graph = adjust is null ? evaluated : adjust(evaluated);
        var state = await StateStore.OpenAsync(FleetOptions.StatePath(parse), cancellationToken).ConfigureAwait(false);
        var providers = new ProviderRegistry(graph.Providers, FleetOptions.Runner(parse)) { Credentials = credentials ?? Fleet.Protocol.CredentialsParams.None };
        return new FleetSession(graph, state, providers);
    }

    public async ValueTask DisposeAsync()
    {
        await Providers.DisposeAsync().ConfigureAwait(false);
        await State.DisposeAsync().ConfigureAwait(false);
    }
}

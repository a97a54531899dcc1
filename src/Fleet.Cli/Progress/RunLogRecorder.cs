using Fleet.Engine.Apply;
using Fleet.State;

namespace Fleet.Cli.Progress;

/// <summary>
/// Keeps the whole run in the state's log (`fleet state log RUN`): every provider log line and
/// every stage change, queued and written in batches beside the applier's own milestones
/// (started, succeeded, failed). What the person gave for this run (the sudo password) is masked
/// as everywhere else; providers mask their own secrets before they log.
/// </summary>
public sealed class RunLogRecorder
{
    private readonly StateStore _state;
    private readonly long _runId;
    private readonly string? _secret;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _stages = new(StringComparer.Ordinal);

    public RunLogRecorder(StateStore state, long runId, string? secret)
    {
        _state = state;
        _runId = runId;
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
    }

    public void OnEvent(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Kind)
        {
            case FleetEventKind.Log:
                var kind = e.Level switch
                {
                    null or "info" => "log",
                    "warn" => "warning",
                    var level => level,
                };
                _state.QueueEvent(_runId, e.Resource, kind, Mask(e.Text ?? ""));
                break;
            case FleetEventKind.Progress when e.Resource is { } resource && e.Stage is { } stage:
                lock (_gate)
                {
                    if (_stages.TryGetValue(resource, out var last) && last == stage)
                    {
                        return;
                    }

                    _stages[resource] = stage;
                }

                _state.QueueEvent(_runId, resource, "stage", Mask(stage));
                break;
            default:
                break;
        }
    }

    private string Mask(string text) => _secret is null ? text : text.Replace(_secret, "***", StringComparison.Ordinal);
}

using System.Collections.Concurrent;
using Fleet.Engine.Graph;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// The providers of one run: each is started once, on first use, and kept until the registry is
/// disposed. A name the fleet does not declare, or declares without a command (to set its
/// timeout), is looked up as a built-in executable `fleet-provider-NAME` (or
/// `fleet-provider-NAME.dll`, run with dotnet) beside fleet, then on PATH.
/// </summary>
public sealed class ProviderRegistry : IAsyncDisposable
{

    private readonly IReadOnlyDictionary<string, ProviderDeclaration> _declared;
    private readonly ProcessRunner _runner;
    private readonly string _builtInDirectory;
    private readonly ConcurrentDictionary<string, Lazy<Task<ProviderClient>>> _clients = new(StringComparer.Ordinal);

    public ProviderRegistry(IReadOnlyDictionary<string, ProviderDeclaration> declared, ProcessRunner runner, string? builtInDirectory = null)
    {
        _declared = declared ?? throw new ArgumentNullException(nameof(declared));
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _builtInDirectory = builtInDirectory ?? AppContext.BaseDirectory;
    }

    /// <summary>Secrets of this run (the sudo password), sent to each provider as it starts.</summary>
    public CredentialsParams Credentials { get; init; } = CredentialsParams.None;

    /// <summary>Every `log` notification and stderr line of every provider, with the provider's name.</summary>
    public event Action<string, LogParams>? Log;

    /// <summary>Every `progress` notification of every provider, with the provider's name.</summary>
    public event Action<string, ProgressParams>? Progress;

    /// <summary>The started (or starting) client of a provider; starts it on first use.</summary>
    public async Task<ProviderClient> GetAsync(string providerName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var lazy = _clients.GetOrAdd(providerName, name => new Lazy<Task<ProviderClient>>(() => StartAsync(name, cancellationToken)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lazy.Value.IsCanceled)
        {
            // A start cancelled by its first caller must not stay cached for the next one.
            _clients.TryRemove(new KeyValuePair<string, Lazy<Task<ProviderClient>>>(providerName, lazy));
            throw;
        }
    }

    /// <summary>The schema of a resource type ("local.file"), from its provider's `initialize` answer.</summary>
    public async Task<ResourceTypeSchema> GetSchemaAsync(string type, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var provider = Resource.ProviderOf(type);
        var client = await GetAsync(provider, cancellationToken).ConfigureAwait(false);
        return client.Schema(type)
            ?? throw new ProviderException(provider, null, $"provider `{provider}` has no resource type `{type}` (it has: {string.Join(", ", client.Info.ResourceTypes.Select(t => t.Type))})");
    }

    /// <summary>How a provider is started: its declaration, or the built-in found for the name.</summary>
    public ProviderDeclaration Resolve(string providerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var declared = _declared.GetValueOrDefault(providerName);
        if (declared is { Command.IsDefaultOrEmpty: false })
        {
            return declared;
        }

        var timeout = declared?.Timeout ?? ProviderDeclaration.DefaultTimeout;
        var missing = new ProviderException(
            providerName,
            null,
            declared is null
                ? $"no provider `{providerName}`: declare it in `providers.{providerName}.command` or install fleet-provider-{providerName}"
                : $"provider `{providerName}` is declared without a `command` (`providers.{providerName}`), and it is not a built-in provider "
                    + $"(there is no fleet-provider-{providerName} beside fleet or on PATH): give `providers.{providerName}.command`, the argv that starts it");
        if (!providerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw missing;
        }

        var executable = "fleet-provider-" + providerName;
        var beside = Path.Combine(_builtInDirectory, executable);
        if (File.Exists(beside))
        {
            return new ProviderDeclaration(providerName, [beside], timeout);
        }

        if (File.Exists(beside + ".dll"))
        {
            return new ProviderDeclaration(providerName, ["dotnet", beside + ".dll"], timeout);
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
        return onPath is not null ? new ProviderDeclaration(providerName, [onPath], timeout) : throw missing;
    }

    public async ValueTask DisposeAsync()
    {
        var started = _clients.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();
        _clients.Clear();
        await Task.WhenAll(started.Select(async task =>
        {
            try
            {
                await (await task.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ProviderException or OperationCanceledException)
            {
                // It never started; there is nothing to stop.
            }
        })).ConfigureAwait(false);
    }

    private async Task<ProviderClient> StartAsync(string providerName, CancellationToken cancellationToken)
    {
        var declaration = Resolve(providerName);
        var client = await ProviderClient.StartAsync(declaration, _runner, cancellationToken, Credentials).ConfigureAwait(false);
        client.Log += log => Log?.Invoke(providerName, log);
        client.Progress += progress => Progress?.Invoke(providerName, progress);
        return client;
    }
}

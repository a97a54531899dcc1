using Fleet.Testbed;

namespace Fleet.Integration.Tests;

/// <summary>Three testbed nodes shared by the tests of one class; torn down afterwards.</summary>
public sealed class TestbedFixture : IAsyncLifetime
{
    private LocalTestbed? _testbed;

    public LocalTestbed Testbed => _testbed ?? throw new InvalidOperationException("testbed not up");

    public async Task InitializeAsync() => _testbed = await LocalTestbed.UpAsync(3, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_testbed is not null)
        {
            await _testbed.DisposeAsync();
        }
    }
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Shiming.BaiduEmulator;

/// <summary>
/// The emulator running in-process on Kestrel, for tests: a real socket, so clients go through their whole HTTP stack.
/// Reads no configuration files or environment variables; everything comes from the arguments.
/// </summary>
public sealed class BaiduEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorState _state;

    private BaiduEmulatorHost(WebApplication app, EmulatorState state, Uri baseAddress, RecognitionAvailability recognition)
    {
        _app = app;
        _state = state;
        BaseAddress = baseAddress;
        Recognition = recognition;
    }

    /// <summary>The address to send requests to, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The live options: changes take effect on the next request.</summary>
    public EmulatorOptions Options => _state.Options;

    /// <summary>
    /// Whether PaddleOCR's model files were found at start, whatever
    /// <see cref="EmulatorOptions.Recognition"/> says: images without ground truth are read only when both allow it.
    /// </summary>
    public RecognitionAvailability Recognition { get; }

    /// <summary>The calls received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<EmulatorCall> Calls => _state.Calls.Snapshot();

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">Keys, limits and behaviour; defaults when null.</param>
    /// <param name="timeProvider">The clock for token expiry, the QPS window and arrival times; the system clock when null.</param>
    /// <param name="url">Where to listen; port 0 picks a free port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<BaiduEmulatorHost> StartAsync(
        EmulatorOptions? options = null,
        TimeProvider? timeProvider = null,
        string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(BaiduEmulatorHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().UseUrls(url);
        builder.Services.AddRoutingCore();
        var state = builder.AddEmulator(options ?? new EmulatorOptions(), timeProvider ?? TimeProvider.System);

        var app = builder.Build();
        app.MapEmulator();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var recognition = PaddleOcr.Probe(PaddleOcr.ResolveFolder(state.Options.OcrModels));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new BaiduEmulatorHost(app, state, new Uri(address.EndsWith('/') ? address : address + "/"), recognition);
    }

    /// <summary>Whether PaddleOCR's model files are in the folder <paramref name="ocrModels"/> names (the default folder when null).</summary>
    public static RecognitionAvailability ProbeRecognition(string? ocrModels = null) =>
        PaddleOcr.Probe(PaddleOcr.ResolveFolder(ocrModels));

    /// <summary>How many access tokens the token endpoint has issued, revoked ones included.</summary>
    public long TokensIssued => _state.Tokens.IssuedCount;

    /// <summary>Revokes every access token issued so far: calls with them get error 110 until the client fetches a new one.</summary>
    public void RevokeTokens() => _state.Tokens.RevokeAll();

    /// <summary>Registers a person with the emulator's authority, replacing any earlier record for the number (as <c>POST /emulator/people</c>).</summary>
    public void RegisterPerson(RegisteredPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (!ResidentIdNumber.IsValid(person.IdNumber) || string.IsNullOrEmpty(person.Name))
        {
            throw new ArgumentException("A registered person needs a name and an ID number that passes GB 11643.", nameof(person));
        }

        _state.People.Register(person);
    }

    /// <summary>How many people the authority's records hold.</summary>
    public int PeopleRegistered => _state.People.Count;

    /// <summary>Forgets every registered person.</summary>
    public void ClearPeople() => _state.People.Clear();

    /// <summary>The <see cref="EmulatorCall.Subject"/> the call log records for identity checks of <paramref name="idNumber"/>.</summary>
    public string SubjectOf(string idNumber)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        return _state.People.SubjectOf(idNumber);
    }

    /// <summary>Forgets the calls received so far.</summary>
    public void ClearCalls() => _state.Calls.Clear();

    /// <summary>Stops listening and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

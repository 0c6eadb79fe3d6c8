using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Tests.Storage;

/// <summary>What a <see cref="RecordingTransport"/> saw of one attempt.</summary>
internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A transport that answers from a script instead of the network, recording every attempt as it left the
/// pipeline (after signing). Requests come from the real HTTP transport so they behave like real ones.
/// </summary>
internal sealed class RecordingTransport(Func<RecordedRequest, int, StubResponse> respond) : HttpPipelineTransport
{
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public override Request CreateRequest() => HttpClientTransport.Shared.CreateRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        var request = message.Request;
        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            using var stream = new MemoryStream();
            await request.Content.WriteToAsync(stream, message.CancellationToken).ConfigureAwait(false);
            body = stream.ToArray();
        }

        var recorded = new RecordedRequest(
            request.Method.Method,
            request.Uri.ToUri(),
            request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase),
            body);
        int attempt;
        lock (_requests)
        {
            _requests.Add(recorded);
            attempt = _requests.Count;
        }

        message.Response = respond(recorded, attempt);
    }
}

/// <summary>A canned response.</summary>
internal sealed class StubResponse : Response
{
    private readonly Dictionary<string, string> _headers;

    public StubResponse(int status, string body = "", params (string Name, string Value)[] headers)
    {
        Status = status;
        ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        _headers = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
    }

    public override int Status { get; }

    public override string ReasonPhrase => Status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = string.Empty;

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = _headers.TryGetValue(name, out var value) ? [value] : null;
        return values is not null;
    }
}

/// <summary>A token credential that hands out a fixed token and remembers the scopes it was asked for.</summary>
internal sealed class FakeTokenCredential(string token) : TokenCredential
{
    private readonly List<string[]> _scopes = [];

    public IReadOnlyList<string[]> RequestedScopes
    {
        get
        {
            lock (_scopes)
            {
                return [.. _scopes];
            }
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes)
        {
            _scopes.Add(requestContext.Scopes);
        }

        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>A clock that moves forward a fixed step each time it is read.</summary>
internal sealed class SteppingTimeProvider(DateTimeOffset start, TimeSpan step) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            var now = _now;
            _now += step;
            return now;
        }
    }
}

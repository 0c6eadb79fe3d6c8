using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Shiming.FunctionsHost.Http;

/// <summary>The front door: matches a request to a function, then does what the host does for ASP.NET Core
/// integration (its <c>DefaultHttpProxyService</c>): an InvocationRequest for the function on the stream, and the
/// request itself forwarded with YARP to the worker's listener with <c>x-ms-invocation-id</c>, its raw target unchanged.</summary>
internal sealed class HttpForwarder(
    WorkerSupervisor supervisor,
    string routePrefix,
    IReadOnlySet<string> disabledFunctions,
    IInlineConstraintResolver constraints,
    IHttpForwarder forwarder,
    ILoggerFactory functionLoggers,
    ILogger<HttpForwarder> logger) : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    // How long the function's result may trail the listener's whole answer: the worker writes the response, then reports.
    private static readonly TimeSpan TakenGrace = TimeSpan.FromSeconds(1);

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ActivityHeadersPropagator = null,

        // Kestrel reads header bytes outside ASCII as Latin-1; writing them back the same way forwards them unchanged,
        // so the worker sees what the client sent and answers it (HttpClient would refuse them by default).
        RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.Latin1,
        ResponseHeaderEncodingSelector = (_, _) => System.Text.Encoding.Latin1,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    });

    private (ReadyWorker Worker, RouteTable Routes)? _routes;

    public async Task HandleAsync(HttpContext context)
    {
        ReadyWorker worker;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                worker = await supervisor.GetReadyAsync(wait.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WorkerUnavailableException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        var routes = _routes is { } cached && ReferenceEquals(cached.Worker, worker)
            ? cached.Routes
            : (_routes = (worker, new RouteTable(worker.Functions, routePrefix, constraints))).Value.Routes;
        if (await routes.MatchAsync(context).ConfigureAwait(false) is not { } found
            || disabledFunctions.Contains(found.Function.Name))
        {
            // No route takes this path and method (the host has no 405), or a disabled function's, which the host
            // answers 404 unless the request has the master key, which the emulator has not.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await InvokeAsync(context, worker, found.Function, found.Values).ConfigureAwait(false);
    }

    private async Task InvokeAsync(HttpContext context, ReadyWorker worker, FunctionDescription function, RouteValueDictionary values)
    {
        var invocationId = Guid.NewGuid().ToString();
        var started = Stopwatch.GetTimestamp();

        // The host's lines for a run, under the function's category, so host.json's log levels apply to them.
        var functionLogger = functionLoggers.CreateLogger($"Function.{function.Name}");
        functionLogger.LogInformation("Executing 'Functions.{Function}' (Reason='This function was programmatically called via the host APIs.', Id={InvocationId})", function.Name, invocationId);

        using var invoking = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var invoke = worker.Channel.InvokeAsync(Request(context, function, values, invocationId), function.Name, invoking.Token);
        var transformer = new InvocationTransformer(invocationId, invoke, invoking);
        var error = await forwarder.SendAsync(context, worker.HttpUri.GetLeftPart(UriPartial.Authority), _client, ForwarderRequestConfig.Empty, transformer)
            .ConfigureAwait(false);
        if (transformer.Refused)
        {
            // The worker's listener answered by itself (a path it refuses, a request it did not take): that answer went
            // to the client at once, and the invocation was let go rather than held until the worker gives up on it.
            logger.LogWarning(
                "The worker's listener answered {Status} for 'Functions.{Function}' (Id={InvocationId}) without running it",
                context.Response.StatusCode,
                function.Name,
                invocationId);
            await ObserveAsync(invoke).ConfigureAwait(false);
            return;
        }

        if (error != ForwarderError.None)
        {
            // The worker did not take the request: the invocation goes too. YARP has answered 502 if it could.
            await invoking.CancelAsync().ConfigureAwait(false);
        }

        InvocationResponse? answer = null;
        try
        {
            answer = await invoke.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerUnavailableException or OperationCanceledException)
        {
            // The worker died while it had the request, or never took it; the host answers as for a failed function.
        }

        var duration = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (answer?.Result.Status == StatusResult.Types.Status.Success && error == ForwarderError.None)
        {
            functionLogger.LogInformation(Invocation.Executed, "Executed 'Functions.{Function}' (Succeeded, Id={InvocationId}, Duration={Duration}ms)", function.Name, invocationId, duration);
            return;
        }

        functionLogger.LogError(
            Invocation.ExecutedWithFailure,
            "Executed 'Functions.{Function}' (Failed, Id={InvocationId}, Duration={Duration}ms){Failure}",
            function.Name,
            invocationId,
            duration,
            Invocation.FailureText(answer));

        // The host answers a failed function with a bare 500: the exception stays in the logs.
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    private static InvocationRequest Request(HttpContext context, FunctionDescription function, RouteValueDictionary values, string invocationId)
    {
        var request = context.Request;
        var http = new RpcHttp { Method = request.Method, Url = request.GetDisplayUrl() };
        foreach (var (name, value) in request.Headers)
        {
            http.Headers[name.ToLowerInvariant()] = value.ToString();
        }

        foreach (var (name, value) in request.Query)
        {
            http.Query[name] = value.ToString();
        }

        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext { TraceParent = Activity.Current?.Id ?? "" },
        };
        foreach (var (name, value) in values)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            http.Params[name] = text;
            invocation.TriggerMetadata[name] = new TypedData { String = text };
        }

        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Http = http } });
        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(http.Query) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(http.Headers) };
        return invocation;
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WorkerUnavailableException)
        {
            // The answer is not used.
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        functionLoggers.Dispose();
    }

    /// <summary>Sends the raw request target with the invocation id, and holds the worker's answer until the function's
    /// result is known: a failed function's answer is replaced by a bare 500, as the host's is.</summary>
    private sealed class InvocationTransformer(string invocationId, Task<InvocationResponse> invoke, CancellationTokenSource invoking) : HttpTransformer
    {
        public bool Refused { get; private set; }

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

            // The raw target as the client sent it: decoding and encoding the path again would change what the worker's
            // listener sees (%2500, the text %00, would reach it as %00).
            var raw = httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (raw is { Length: > 0 } && raw[0] == '/')
            {
                proxyRequest.RequestUri = new Uri(destinationPrefix + raw);
            }

            proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            if (proxyResponse is null)
            {
                return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
            }

            // The worker's whole answer is read at once, so a large body cannot hold the worker up while the host waits
            // for the invocation's result.
            await proxyResponse.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (await Task.WhenAny(invoke, Task.Delay(TakenGrace, cancellationToken)).ConfigureAwait(false) != invoke)
            {
                await invoking.CancelAsync().ConfigureAwait(false);
                if ((int)proxyResponse.StatusCode is >= 400 and < 500)
                {
                    Refused = true;
                    httpContext.Response.StatusCode = (int)proxyResponse.StatusCode;
                    return false;
                }
            }

            InvocationResponse? answer = null;
            try
            {
                answer = await invoke.ConfigureAwait(false);
            }
            catch (Exception e) when (e is WorkerUnavailableException or OperationCanceledException)
            {
            }

            if (answer?.Result.Status != StatusResult.Types.Status.Success)
            {
                httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return false;
            }

            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        }
    }
}

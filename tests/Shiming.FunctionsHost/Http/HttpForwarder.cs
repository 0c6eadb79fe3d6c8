using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Http;

/// <summary>The front door: matches a request to a function, then does what the host does for ASP.NET Core
/// integration, sending the request itself to the worker's listener with <c>x-ms-invocation-id</c> and an
/// InvocationRequest for it on the stream.</summary>
internal sealed class HttpForwarder(
    WorkerSupervisor supervisor,
    string routePrefix,
    IReadOnlySet<string> disabledFunctions,
    IInlineConstraintResolver constraints,
    ILogger<HttpForwarder> logger) : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
    };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,

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
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
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
        logger.LogInformation("Executing 'Functions.{Function}' (Reason='This function was programmatically called via the host APIs.', Id={InvocationId})", function.Name, invocationId);

        using var forwarding = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var invoking = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var forward = ForwardAsync(context, worker.HttpUri, invocationId, forwarding.Token);
        var invoke = worker.Channel.InvokeAsync(Request(context, function, values, invocationId), function.Name, invoking.Token);
        if (await Task.WhenAny(forward, invoke).ConfigureAwait(false) == forward
            && await Task.WhenAny(invoke, Task.Delay(TakenGrace, context.RequestAborted)).ConfigureAwait(false) != invoke)
        {
            // The worker's listener answered without the function's result: it refused the request (a path it cannot
            // route) or did not take it. The invocation is let go at once, not held until the worker gives up on it.
            await invoking.CancelAsync().ConfigureAwait(false);
            if (await RefusedAsync(context, forward).ConfigureAwait(false))
            {
                logger.LogWarning(
                    "The worker's listener answered {Status} for 'Functions.{Function}' (Id={InvocationId}) without running it",
                    context.Response.StatusCode,
                    function.Name,
                    invocationId);
                await ObserveAsync(invoke).ConfigureAwait(false);
                return;
            }
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

        var succeeded = answer?.Result.Status == StatusResult.Types.Status.Success;
        var duration = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!succeeded)
        {
            logger.LogError(
                Invocation.ExecutedWithFailure,
                "Executed 'Functions.{Function}' (Failed, Id={InvocationId}, Duration={Duration}ms){Failure}",
                function.Name,
                invocationId,
                duration,
                Invocation.FailureText(answer));

            // The host answers a failed function with a bare 500: the exception stays in the logs.
            await forwarding.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(forward).ConfigureAwait(false);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return;
        }

        logger.LogInformation(Invocation.Executed, "Executed 'Functions.{Function}' (Succeeded, Id={InvocationId}, Duration={Duration}ms)", function.Name, invocationId, duration);
        HttpResponseMessage response;
        try
        {
            response = await forward.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning(e, "The worker's answer to {InvocationId} could not be read", invocationId);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // How long the function's result may trail the listener's answer: the worker writes the response, then reports.
    private static readonly TimeSpan TakenGrace = TimeSpan.FromSeconds(1);

    // Passes on a 4xx the listener gave by itself (its own refusal of the request); anything else is left to the caller.
    private static async Task<bool> RefusedAsync(HttpContext context, Task<HttpResponseMessage> forward)
    {
        HttpResponseMessage response;
        try
        {
            response = await forward.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }

        using (response)
        {
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                return false;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            return true;
        }
    }

    // The worker's whole answer is read at once, so a large body cannot hold the worker up while the host waits
    // for the invocation's result.
    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context, Uri workerUri, string invocationId, CancellationToken ct)
    {
        var request = context.Request;
        // The raw target as the client sent it, as the host's forwarder passes it on: decoding and encoding the path again
        // would change what the worker's listener sees (%2500, the text %00, would reach it as %00).
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        var target = new Uri(workerUri, raw is { Length: > 0 } && raw[0] == '/' ? raw : request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        message.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        var response = await _client.SendAsync(message, ct).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        return response;
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
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or WorkerUnavailableException)
        {
            // The answer is not used.
        }
    }

    public void Dispose() => _client.Dispose();
}

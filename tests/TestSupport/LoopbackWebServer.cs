using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// Real HTTP on 127.0.0.1 and a free port (Kestrel), recording every request before a handler answers it. The base of
/// the fake model server and the webhook receiver: tests talk to it through real sockets, as production code would.
/// </summary>
public sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedHttpRequest> _requests = new();

    private LoopbackWebServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:43125/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedHttpRequest> Requests => [.. _requests];

    /// <summary>Starts a server answering every request with <paramref name="handle"/> (given the recorded request).</summary>
    public static Task<LoopbackWebServer> StartAsync(Func<RecordedHttpRequest, IResult> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return StartAsync((request, _) => Task.FromResult(handle(request)));
    }

    /// <summary>
    /// Starts a server answering every request with <paramref name="handle"/>, given the recorded request and a token
    /// cancelled when the client goes away (so a handler that waits can tell an abandoned request from a live one).
    /// </summary>
    public static async Task<LoopbackWebServer> StartAsync(Func<RecordedHttpRequest, CancellationToken, Task<IResult>> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackWebServer? server = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToImmutableDictionary(static h => h.Key.ToLowerInvariant(), static h => h.Value.ToString());
            var recorded = new RecordedHttpRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
            server!._requests.Enqueue(recorded);
            await (await handle(recorded, context.RequestAborted)).ExecuteAsync(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new LoopbackWebServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Buffers;
using System.Diagnostics;

using Microsoft.Extensions.Options;

using Platform.Gateway.Security;
using Platform.Grains.Budget;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/chat/completions</c>: checks the request against the workspace's model, egress rule and budget, forwards
/// it to the workspace's provider, relays the answer, settles the reservation with the provider's count and audits the
/// call. The order is the guarantee: nothing reaches the provider before the worst case is reserved, and the
/// reservation is settled or released however the call ends.
/// </summary>
internal sealed class ChatProxy(
    IGrainFactory grains,
    UpstreamClient upstream,
    StreamRelay relay,
    LocalModelResponder local,
    EgressGuard egress,
    IOptions<ProxyOptions> options,
    ILogger<ChatProxy> logger)
{
    public const string Purpose = "proxy.chat_completion";

    /// <summary>The largest non-streamed answer relayed; a real completion is kilobytes, and memory is shared by every workspace.</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    private const int MaxErrorBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var user = context.User;
        var workspaceId = user.FindFirst(PlatformClaims.WorkspaceId)!.Value;
        var keyId = user.FindFirst(PlatformClaims.KeyId)?.Value ?? "";
        var actor = $"user:{user.FindFirst(PlatformClaims.UserId)?.Value}";

        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        var settings = context.Features.Get<ProxySettings>() ?? await grains.GetGrain<IWorkspaceGrain>(workspaceId).GetProxySettingsAsync();
        var model = settings.Model;
        var request = ChatRequestParser.Parse(body, out var rejection);
        if (request is null)
        {
            await RejectAsync(context, rejection!);
            return;
        }

        // Clients name the catalogue id (what GET /v1/models lists); the upstream name is what the provider gets.
        if (request.Model != model.CatalogId)
        {
            await RejectAsync(context, new ProxyRejection(StatusCodes.Status404NotFound, OpenAiError.InvalidRequest, $"The model '{request.Model}' is not this workspace's model ('{model.CatalogId}'); an admin chooses another from GET /v1/models with PATCH /api/workspace {{\"model\":{{\"catalogId\":…}}}}.", "model", "model_not_found"));
            return;
        }

        if (request.MaxOutputTokens > model.MaxOutputTokens)
        {
            await RejectAsync(context, ProxyRejection.Invalid($"This workspace allows at most {model.MaxOutputTokens} output tokens per call with '{model.CatalogId}'.", "max_tokens"));
            return;
        }

        if (model.Provider != "local" && !upstream.Allows(model.BaseUrl))
        {
            await RejectAsync(context, new ProxyRejection(StatusCodes.Status403Forbidden, OpenAiError.Permission, "This workspace's model provider URL is not on the operator's list of allowed providers (Platform:Models:OpenAI:AllowedBaseUrls); nothing was sent.", null, "provider_not_allowed"));
            return;
        }

        var audit = grains.GetGrain<IAuditLogGrain>(workspaceId);
        var verdict = await egress.InspectTextAsync(workspaceId, request.Text, settings.Egress);
        if (verdict.IsBlocked)
        {
            await audit.AppendDeferredAsync(ProxyAudit.EgressBlocked(actor, keyId, model.Model, verdict.Blocked!));
            await RejectAsync(context, ProxyRejection.Invalid($"The request was not sent: {verdict.Blocked}. Remove it and retry.", "messages") with { Code = verdict.BySecret ? "secret_detected" : "personal_data_detected" });
            return;
        }

        if (verdict.Redactions.Count > 0)
        {
            // Personal data the workspace redacts is replaced inside the JSON's strings before the body is forwarded.
            request = request with { Body = ProxyRedaction.Redact(request.Body, settings.Egress) };
        }

        var promptEstimate = CostEstimator.EstimatePromptTokens([request.Text]) + ((long)request.Attachments * options.Value.AttachmentTokens);
        var outputTokens = (long)(request.MaxOutputTokens ?? model.MaxOutputTokens) * request.Choices;
        var reserved = Math.Max(1, CostEstimator.CostMicros(promptEstimate, outputTokens, model));
        var budget = grains.GetGrain<IBudgetGrain>(workspaceId);
        var reservation = await budget.ReserveAsync(new ReservationRequest(reserved, Purpose, KeyId: keyId.Length == 0 ? null : keyId, Model: model.CatalogId));
        if (!reservation.Granted)
        {
            await audit.AppendDeferredAsync(ProxyAudit.BudgetRefused(actor, keyId, model.Model, reserved, reservation.Refusal!));
            // A 429 is retried by OpenAI's SDKs unless told otherwise; retrying an exhausted budget only burns requests.
            context.Response.Headers["x-should-retry"] = "false";
            await RejectAsync(context, new ProxyRejection(StatusCodes.Status429TooManyRequests, OpenAiError.BudgetExceeded, reservation.Refusal!));
            return;
        }

        var call = new ProxyCall(workspaceId, keyId, actor, request, model, promptEstimate, reserved, reservation.ReservationId!, started, settings.AuditContent);
        try
        {
            if (model.Provider == "local")
            {
                await local.RespondAsync(context, call, FinishAsync);
            }
            else
            {
                await ForwardAsync(context, call, UpstreamBody.Prepare(request, model.MaxOutputTokens, model.Model));
            }
        }
        catch when (!call.Finished)
        {
            // Whatever broke, the reservation must not stay held. Before the provider answered, nothing was spent; after,
            // the call is charged as one that broke off. The exception handler answers the client, if it is still there.
            if (call.UpstreamStatus == 0)
            {
                call.Outcome = CallOutcome.UpstreamError;
            }
            else if (!call.Interrupted)
            {
                call.Outcome = CallOutcome.UpstreamFailedMidway;
            }

            await FinishAsync(call);
            throw;
        }

        await FinishAsync(call);
    }

    /// <summary>
    /// Puts the call on the books: settles what it cost (or releases the reservation) and audits it. Runs before the
    /// client gets the last of the answer, so a client that reads its budget or audit log next sees this call there.
    /// By default both writes are in memory and the budget lease and the audit batch make them durable without a
    /// round trip here; under <see cref="ProxyOptions.StrictBilling"/> this waits for both to be written.
    /// </summary>
    private async Task FinishAsync(ProxyCall call)
    {
        if (call.Finished)
        {
            return;
        }

        call.Finished = true;
        var strict = options.Value.StrictBilling;
        var budget = grains.GetGrain<IBudgetGrain>(call.WorkspaceId);
        var charge = call.ChargeMicros();
        var record = await AuditRecordAsync(call, charge);
        if (!strict && charge > 0 && record is { } completed)
        {
            // The common case in one grain call: the budget settles in memory and hands the audit entry on.
            try
            {
                await budget.SettleDeferredAsync(call.ReservationId, charge, completed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ProxyLog.SettleFailed(logger, call.WorkspaceId, charge, ex);
            }

            return;
        }

        try
        {
            if (charge > 0)
            {
                await (strict ? budget.SettleAsync(call.ReservationId, charge) : budget.SettleDeferredAsync(call.ReservationId, charge));
            }
            else
            {
                await budget.ReleaseAsync(call.ReservationId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The budget restarted under this call (its reservations went with it; the lease it held is withheld) or its
            // storage failed. By default the client's answer is not taken back for it; the log says what was not recorded.
            call.ChargeUnrecorded = strict && charge > 0;
            ProxyLog.SettleFailed(logger, call.WorkspaceId, charge, ex);
        }

        if (record is null)
        {
            return;
        }

        try
        {
            var audit = grains.GetGrain<IAuditLogGrain>(call.WorkspaceId);
            await (strict ? audit.AppendAsync(record) : audit.AppendDeferredAsync(record));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ProxyLog.AuditFailed(logger, call.WorkspaceId, ex);
        }
    }

    /// <summary>The call's audit entry (with the prompt sealed when the workspace keeps it), or null when sealing failed (logged).</summary>
    private async Task<AuditRecord?> AuditRecordAsync(ProxyCall call, long charge)
    {
        try
        {
            var sealedPrompt = call.AuditContent ? await SealPromptAsync(call.WorkspaceId, call.Request) : null;
            return ProxyAudit.Completed(call, charge, Stopwatch.GetElapsedTime(call.StartedTimestamp), sealedPrompt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ProxyLog.AuditFailed(logger, call.WorkspaceId, ex);
            return null;
        }
    }

    /// <summary>Under strict billing, the answer of a call whose charge is not on the ledger: withheld, with why.</summary>
    internal static Task WriteChargeUnrecordedAsync(HttpContext context) =>
        OpenAiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, OpenAiError.Server, "The answer was withheld because its charge could not be recorded; the amount stays withheld from the budget. Retry shortly.", code: "charge_not_recorded");

    private async Task ForwardAsync(HttpContext context, ProxyCall call, ReadOnlyMemory<byte> body)
    {
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(options.Value.UpstreamTimeout);
        HttpResponseMessage response;
        try
        {
            response = await upstream.SendAsync(call.Model.BaseUrl, body, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            await UpstreamUnreachableAsync(context, call, ex, aborted.IsCancellationRequested);
            return;
        }

        using (response)
        {
            call.UpstreamStatus = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                call.Outcome = CallOutcome.UpstreamError;
                var error = await ReadSmallAsync(response, timeout.Token);
                ProxyLog.UpstreamRefused(logger, call.WorkspaceId, call.UpstreamStatus);
                await FinishAsync(call);
                await UpstreamErrors.RelayAsync(context, response, error);
                return;
            }

            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                // From here the stream is the client's: it may outlive the provider's time to first byte.
                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                await relay.RelayAsync(context, call, response);
                await FinishAsync(call);
                if (call.ChargeUnrecorded)
                {
                    await WriteChargeUnrecordedAsync(context);
                }
                else if (call.DoneSeen && call.Outcome == CallOutcome.Completed)
                {
                    await StreamRelay.WriteDoneAsync(context);
                }

                return;
            }

            ReadOnlyMemory<byte> answer;
            try
            {
                answer = await ReadBoundedAsync(response, MaxAnswerBytes, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidDataException)
            {
                // The provider said 200 and was producing: it bills the answer whether or not it arrives whole.
                call.Outcome = aborted.IsCancellationRequested ? CallOutcome.ClientDisconnected : CallOutcome.UpstreamFailedMidway;
                ProxyLog.StreamBroken(logger, call.WorkspaceId, 0, ex);
                await FinishAsync(call);
                if (!aborted.IsCancellationRequested)
                {
                    await OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway, OpenAiError.Upstream, "The model provider's answer broke off; the call was charged at its reserved worst case.", code: "upstream_failed");
                }

                return;
            }

            if (ReportedUsage.TryRead(answer.Span, out var usage, out _))
            {
                call.Usage = usage;
            }

            // The provider answered in full: the cost is real whether or not the client stays to read it.
            await FinishAsync(call);
            if (call.ChargeUnrecorded)
            {
                await WriteChargeUnrecordedAsync(context);
                return;
            }

            var client = context.Response;
            client.StatusCode = StatusCodes.Status200OK;
            client.ContentType = "application/json";
            client.ContentLength = answer.Length;
            try
            {
                await client.Body.WriteAsync(answer, aborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // Already settled at the provider's count; a client that left before reading owes it all the same.
            }
        }
    }

    private async Task UpstreamUnreachableAsync(HttpContext context, ProxyCall call, Exception exception, bool clientGone)
    {
        if (clientGone)
        {
            // The client left while the provider worked: a non-streamed answer may be produced whole (charged the worst
            // case); a stream stops with its connection (charged the prompt).
            call.Outcome = CallOutcome.ClientDisconnected;
            return;
        }

        call.Outcome = CallOutcome.UpstreamError;
        var timedOut = exception is OperationCanceledException;
        ProxyLog.UpstreamUnreachable(logger, call.WorkspaceId, timedOut, exception);
        await FinishAsync(call);
        await OpenAiError.WriteAsync(
            context,
            timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            OpenAiError.Upstream,
            timedOut ? "The model provider did not answer in time; nothing was charged." : "The model provider could not be reached; nothing was charged.",
            code: timedOut ? "upstream_timeout" : "upstream_unreachable");
    }

    private async Task<string?> SealPromptAsync(string workspaceId, ChatRequest request)
    {
        var sealedPrompt = await grains.GetGrain<IWorkspaceKeyGrain>(workspaceId).EncryptAsync(new EncryptRequest(ProxyAudit.PromptPurpose, [.. request.Body.Span]));
        return Convert.ToBase64String(sealedPrompt.Ciphertext.AsSpan());
    }

    private static async Task<ReadOnlyMemory<byte>> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadBoundedAsync(response, MaxErrorBytes, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidDataException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>Reads a provider's body, refusing one larger than <paramref name="limit"/> with <see cref="InvalidDataException"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await ReadAllAsync(stream, response.Content.Headers.ContentLength, limit, cancellationToken);
    }

    /// <summary>Reads the client's body; the body limit (RequestBodyLimitMiddleware and Kestrel) already bounds what arrives here.</summary>
    private static Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAllAsync(request.Body, request.ContentLength, Array.MaxLength, cancellationToken);

    /// <summary>Reads <paramref name="stream"/> to its end, sized by its declared length; more than <paramref name="limit"/> bytes is an <see cref="InvalidDataException"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream stream, long? declaredLength, int limit, CancellationToken cancellationToken)
    {
        if (declaredLength > limit)
        {
            throw new InvalidDataException($"The body is larger than {limit} bytes.");
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(declaredLength ?? 4096, limit) + 1);
        int read;
        while ((read = await stream.ReadAsync(buffer.GetMemory(4096), cancellationToken)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw new InvalidDataException($"The body is larger than {limit} bytes.");
            }
        }

        return buffer.WrittenMemory;
    }

    private static Task RejectAsync(HttpContext context, ProxyRejection rejection) =>
        OpenAiError.WriteAsync(context, rejection.Status, rejection.Type, rejection.Message, rejection.Param, rejection.Code);
}

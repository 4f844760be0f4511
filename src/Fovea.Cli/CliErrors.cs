using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli;

/// <summary>Turns exceptions into a one-line reason and an exit code; the stack trace only with --verbose.</summary>
static class CliErrors
{
    public static int Report(Exception e, bool verbose)
    {
        if (e is CommandAppException or CommandParseException or CommandRuntimeException && e.InnerException is null)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            AnsiConsole.MarkupLine("Run [bold]fovea --help[/] (or [bold]fovea COMMAND --help[/]) for usage.");
            return 2;
        }
        var inner = e is CommandRuntimeException { InnerException: not null } ? e.InnerException! : e;
        string kind = inner switch
        {
            FileNotFoundException or DirectoryNotFoundException => "not found",
            FoveaFormatException => "bad file",
            ShapeMismatchException => "shape mismatch",
            UsageException => "usage",
            ArgumentException => "invalid argument",
            IOException => "I/O error",
            _ => "error",
        };
        AnsiConsole.MarkupLine($"[red]{kind}:[/] {Markup.Escape(inner.Message)}");
        if (verbose) AnsiConsole.WriteException(inner);
        return inner is UsageException ? 2 : 1;
    }
}

/// <summary>A mistake in how the command was called (exit code 2).</summary>
sealed class UsageException(string message) : Exception(message);

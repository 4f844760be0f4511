using Spectre.Console.Cli;
var app = new CommandApp();
return app.Run(args);

// Placeholder: the demo orchestrator is wired once the simulator, gateway and backend exist.
console.log(JSON.stringify({ readingsSent: 0, pointsInInflux: 0, tasksByKind: {}, webhooksDelivered: 0 }));

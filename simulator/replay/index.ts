// simulator/replay: mission replay. Reads an outbox or hub store (verified first), prints a timeline,
// re-publishes to a hub under provenance REPLAY, and re-decides recorded decisions with other criteria.
export { openMission } from './mission-source.js';
export { MissionSourceError, type Mission, type MissionRecord, type MissionVerification, type OpenMissionOptions } from './mission.js';
export { TimelineBuilder, isoOf, type TimelineEvent, type TimelineInput, type TimelineSummary, type TimelineOptions } from './timeline.js';
export { formatEvent, formatHeader, formatReplaySummary, formatSummary, missionEvent } from './timeline-format.js';
export { conditionsText, summarizeConditions, type ConditionsSummary } from './conditions-summary.js';
export { criterionText, criterionView, shortFloat, type CriterionView } from './criterion-view.js';
export { pacer, realPaceClock, type Pacer, type PaceClock } from './pace.js';
export { replayBody, replayStartMarker, REPLAY_MARKER, VERBATIM_KINDS } from './replay-bodies.js';
export { ReplayPublisher, replayKey, type PublisherOptions, type ReplaySummary } from './republish.js';
export { runReplay, type RunReplayOptions } from './run-replay.js';
export { WhatIf, whatIf, type WhatIfDecision, type WhatIfReport, type WouldBeHandover, type Change } from './what-if.js';
export { formatWhatIf } from './what-if-format.js';
export { loadCriteriaFile } from './criteria-file.js';

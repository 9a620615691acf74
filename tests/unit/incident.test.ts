import { describe, expect, it } from 'vitest';
import { incidentReason, type IncidentPolicy } from '../../src/domain/incident';

const policy: IncidentPolicy = { complaintThreshold: 0.5, misinformationThreshold: 0.6, responseMinutes: 240 };

describe('incident decision', () => {
  it('opens one for a confident complaint', () => {
    expect(incidentReason({ complaint: { value: true, confidence: 0.8 }, misinformation: { score: 0.1 } }, policy)).toBe('complaint');
  });
  it('ignores a complaint below the threshold and a non-complaint', () => {
    expect(incidentReason({ complaint: { value: true, confidence: 0.4 }, misinformation: { score: 0.1 } }, policy)).toBeNull();
    expect(incidentReason({ complaint: { value: false, confidence: 0.9 }, misinformation: { score: 0.1 } }, policy)).toBeNull();
  });
  it('sends a high misinformation risk to the desk even when it is not a complaint', () => {
    expect(incidentReason({ complaint: { value: false, confidence: 0.9 }, misinformation: { score: 0.7 } }, policy)).toBe('misinformation');
  });
});

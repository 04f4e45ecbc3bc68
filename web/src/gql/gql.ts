/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me { subject username name roleBindings { role scopeKind scopeId } }\n  }\n": typeof types.MeDocument,
    "\n  query CountyOverview {\n    county: rosterStructure(by: COUNTY) {\n      quota inPost fillRate enforcement enforcementShare young middle old averageAge\n      tenureUnder1 tenure1To2 tenure2To5 tenure5Plus\n    }\n    byDepartment: vacancies(by: DEPARTMENT) { department { id name } quota inPost incoming vacancy fillRate }\n    reminderStatistics { notices closed overdue replenished }\n    reminderNotices(openOnly: true, first: 50) {\n      nodes { id deadline vacanciesAtIssue replenished overdue status issuedAt department { name } }\n    }\n  }\n": typeof types.CountyOverviewDocument,
    "\n  mutation IssueReminders($input: IssueRemindersInput!) {\n    issueReminders(input: $input) { notices { id deadline department { name } } }\n  }\n": typeof types.IssueRemindersDocument,
    "\n  query QuotaScreen($departmentId: ID, $after: String) {\n    departments(first: 50) { nodes { id name quotaTotal } }\n    agencies(first: 100, departmentId: $departmentId) {\n      nodes { id name quota inPost incoming available vacancy township { name } department { id name } }\n    }\n    quotaChangeRequests(first: 20) {\n      nodes { id status oldTotal newTotal reason requestedBy requestedAt decidedAt decisionNote department { name } }\n    }\n    adjustments(first: 20, after: $after, departmentId: $departmentId) {\n      nodes {\n        id batchId kind status effectiveDate reason tenureExceptionReason orgReview orgReviewNote townshipOpinion townshipOpinionNote townshipOpinionNeeded opinionAnswer replenishment\n        requestedAt newcomerName cadre { id name } fromAgency { name township { name } } toAgency { name township { name } }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.QuotaScreenDocument,
    "\n  query AdjustmentBatch($batchId: ID!) {\n    adjustmentBatch(batchId: $batchId) { batchId pendingSteps reviews { party decision decidedBy note } }\n  }\n": typeof types.AdjustmentBatchDocument,
    "\n  mutation SubmitAdjustments($input: SubmitAdjustmentsInput!) {\n    submitAdjustments(input: $input) { batch { batchId pendingSteps adjustments { id status } } }\n  }\n": typeof types.SubmitAdjustmentsDocument,
    "\n  mutation ReviewAdjustments($input: ReviewAdjustmentsInput!) {\n    reviewAdjustments(input: $input) { batch { batchId pendingSteps } }\n  }\n": typeof types.ReviewAdjustmentsDocument,
    "\n  mutation TownshipOpinion($input: TownshipOpinionInput!) {\n    giveTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n": typeof types.TownshipOpinionDocument,
    "\n  mutation AnswerTownshipOpinion($input: AnswerTownshipOpinionInput!) {\n    answerTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n": typeof types.AnswerTownshipOpinionDocument,
    "\n  mutation ReviewReshuffle($input: ReviewReshuffleInput!) {\n    reviewReshuffle(input: $input) { batch { batchId pendingSteps } }\n  }\n": typeof types.ReviewReshuffleDocument,
    "\n  mutation MakeEffective($input: MakeEffectiveInput!) {\n    makeAdjustmentsEffective(input: $input) { batch { batchId pendingSteps } }\n  }\n": typeof types.MakeEffectiveDocument,
    "\n  mutation DecideQuotaChange($input: DecideQuotaChangeInput!) {\n    decideQuotaChange(input: $input) { request { id status } }\n  }\n": typeof types.DecideQuotaChangeDocument,
    "\n  query RosterFilters {\n    departments(first: 50) { nodes { id name } }\n    townships(first: 50) { nodes { id name } }\n  }\n": typeof types.RosterFiltersDocument,
    "\n  query RosterPage($first: Int!, $after: String, $filter: CadreFilter) {\n    cadres(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id name professionalLine isEnforcement status postedOn ageBand idNumber phone sensitiveVisible\n        department { name } township { name } agency { name }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.RosterPageDocument,
    "\n  query ExportRoster($filter: CadreFilter) {\n    exportRoster(filter: $filter) { filename contentType contentBase64 }\n  }\n": typeof types.ExportRosterDocument,
    "\n  mutation ImportRoster($input: ImportRosterInput!) {\n    importRoster(input: $input) { ok created errors { row column message } }\n  }\n": typeof types.ImportRosterDocument,
    "\n  query MatterTypes {\n    matterTypes { code name }\n  }\n": typeof types.MatterTypesDocument,
    "\n  query DispatchBoard($filter: GridEventFilter, $after: String) {\n    gridEvents(first: 50, after: $after, filter: $filter) {\n      nodes {\n        id matterType priority description location state source reportedAt allowedActions\n        township { id name } leadUnit { id name } assignee { id name }\n        deadline { phase dueAt warned overdue escalationLevel }\n        recommendation { unit { id name } cadre { id name } reason note }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.DispatchBoardDocument,
    "\n  query GridEventDetail($id: ID!) {\n    gridEvent(id: $id) {\n      id matterType priority description location state source reportedAt closedAt closingReason allowedActions\n      outsideLineReason\n      township { id name } leadUnit { id name } assignee { id name }\n      deadline { phase dueAt warned overdue escalationLevel }\n      recommendation { unit { id name } cadre { id name } reason note }\n      history { action source target actor reason at overdue }\n    }\n  }\n": typeof types.GridEventDetailDocument,
    "\n  query PlatformUnits($townshipId: ID!) {\n    platformUnits(townshipId: $townshipId) { id name kind }\n  }\n": typeof types.PlatformUnitsDocument,
    "\n  query DuplicateCandidates($eventId: ID!) {\n    duplicateCandidates(eventId: $eventId) { id matterType reportedAt location }\n  }\n": typeof types.DuplicateCandidatesDocument,
    "\n  mutation ActOnEvent($input: EventActionInput!) {\n    actOnEvent(input: $input) { id state allowedActions }\n  }\n": typeof types.ActOnEventDocument,
    "\n  query AssessmentCycles {\n    assessmentCycles {\n      id year kind period status townshipShare departmentShare shortlistShare round1Share round2Share\n      objectionDeadline rounding ties\n      departments { department { id name } status shortlistQuota round1Quota }\n    }\n  }\n": typeof types.AssessmentCyclesDocument,
    "\n  mutation OpenCycle($input: OpenCycleInput!) {\n    openAssessmentCycle(input: $input) { id year status }\n  }\n": typeof types.OpenCycleDocument,
    "\n  query CycleMembers($cycleId: ID!, $departmentId: ID, $townshipId: ID, $after: String) {\n    cycleMembers(cycleId: $cycleId, first: 100, after: $after, departmentId: $departmentId, townshipId: $townshipId) {\n      nodes {\n        cadre { id name township { name } department { name } }\n        township { id } department { id } townshipScore departmentScore total shortlisted excellentRound grade excused\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CycleMembersDocument,
    "\n  query ExcellencePlaces($cycleId: ID!, $departmentId: ID!) {\n    excellencePlaces(cycleId: $cycleId, departmentId: $departmentId) {\n      status round1Quota round1Used round1Remaining\n      townships { township { id name } quota used remaining submitted }\n    }\n  }\n": typeof types.ExcellencePlacesDocument,
    "\n  mutation MakeShortlist($input: DepartmentFlowInput!) {\n    makeExcellenceShortlist(input: $input) { department { id } status shortlistQuota round1Quota }\n  }\n": typeof types.MakeShortlistDocument,
    "\n  mutation SubmitRound1($input: Round1Input!) {\n    submitExcellenceRound1(input: $input) { department { id } status round1Quota }\n  }\n": typeof types.SubmitRound1Document,
    "\n  mutation SubmitRound2($input: Round2Input!) {\n    submitExcellenceRound2(input: $input) { township { id } quota used remaining submitted }\n  }\n": typeof types.SubmitRound2Document,
    "\n  mutation PublishResults($input: PublishInput!) {\n    publishAssessmentResults(input: $input) { id status objectionDeadline }\n  }\n": typeof types.PublishResultsDocument,
    "\n  query Objections($cycleId: ID!, $openOnly: Boolean!) {\n    assessmentObjections(cycleId: $cycleId, openOnly: $openOnly) {\n      id text filedAt resolution resolvedBy cadre { id name township { name } department { name } } about { id } aboutName\n    }\n  }\n": typeof types.ObjectionsDocument,
    "\n  query PublicityList($cycleId: ID!, $after: String) {\n    publicityList(cycleId: $cycleId, first: 100, after: $after) {\n      nodes { name agencyName excellentRound cadre { id } department { name } township { name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.PublicityListDocument,
    "\n  mutation FileObjection($input: FileObjectionInput!) {\n    fileAssessmentObjection(input: $input) { id text resolution }\n  }\n": typeof types.FileObjectionDocument,
    "\n  mutation ResolveObjection($input: ResolveObjectionInput!) {\n    resolveAssessmentObjection(input: $input) { id resolution }\n  }\n": typeof types.ResolveObjectionDocument,
    "\n  mutation ApproveResults($input: PublishInput!) {\n    approveAssessmentResults(input: $input) { id status }\n  }\n": typeof types.ApproveResultsDocument,
    "\n  query MyPage($cadreId: ID!) {\n    cadre(id: $cadreId) {\n      id name professionalLine isEnforcement status postedOn nextMoveAllowedOn ageBand idNumber phone\n      politicalStatus rank education enforcementCertNo enforcementCertExpiry\n      department { name } township { name } agency { name }\n      postings { role startDate endDate agency { name township { name } } }\n      assessmentResults { year grade }\n    }\n    gridEvents(first: 20, filter: { assigneeCadreId: $cadreId }) {\n      nodes { id matterType state reportedAt deadline { dueAt overdue warned } }\n    }\n  }\n": typeof types.MyPageDocument,
    "\n  query InboxSummary {\n    myInboxSummary { open overdue }\n  }\n": typeof types.InboxSummaryDocument,
    "\n  query NotificationSettings {\n    myNotificationSettings { digest quietHours reachable byKind { kind channels } }\n  }\n": typeof types.NotificationSettingsDocument,
    "\n  mutation SetNotificationSettings($input: NotificationSettingsInput!) {\n    setNotificationSettings(input: $input) { digest quietHours reachable byKind { kind channels } }\n  }\n": typeof types.SetNotificationSettingsDocument,
    "\n  query Inbox($status: InboxStatus, $after: String) {\n    myInbox(first: 50, after: $after, filter: { status: $status }) {\n      nodes { id kind title link dueAt createdAt doneAt urgent information }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.InboxDocument,
    "\n  mutation MarkInboxItemRead($id: ID!) {\n    markInboxItemRead(id: $id) { id doneAt }\n  }\n": typeof types.MarkInboxItemReadDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me { subject username name roleBindings { role scopeKind scopeId } }\n  }\n": types.MeDocument,
    "\n  query CountyOverview {\n    county: rosterStructure(by: COUNTY) {\n      quota inPost fillRate enforcement enforcementShare young middle old averageAge\n      tenureUnder1 tenure1To2 tenure2To5 tenure5Plus\n    }\n    byDepartment: vacancies(by: DEPARTMENT) { department { id name } quota inPost incoming vacancy fillRate }\n    reminderStatistics { notices closed overdue replenished }\n    reminderNotices(openOnly: true, first: 50) {\n      nodes { id deadline vacanciesAtIssue replenished overdue status issuedAt department { name } }\n    }\n  }\n": types.CountyOverviewDocument,
    "\n  mutation IssueReminders($input: IssueRemindersInput!) {\n    issueReminders(input: $input) { notices { id deadline department { name } } }\n  }\n": types.IssueRemindersDocument,
    "\n  query QuotaScreen($departmentId: ID, $after: String) {\n    departments(first: 50) { nodes { id name quotaTotal } }\n    agencies(first: 100, departmentId: $departmentId) {\n      nodes { id name quota inPost incoming available vacancy township { name } department { id name } }\n    }\n    quotaChangeRequests(first: 20) {\n      nodes { id status oldTotal newTotal reason requestedBy requestedAt decidedAt decisionNote department { name } }\n    }\n    adjustments(first: 20, after: $after, departmentId: $departmentId) {\n      nodes {\n        id batchId kind status effectiveDate reason tenureExceptionReason orgReview orgReviewNote townshipOpinion townshipOpinionNote townshipOpinionNeeded opinionAnswer replenishment\n        requestedAt newcomerName cadre { id name } fromAgency { name township { name } } toAgency { name township { name } }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.QuotaScreenDocument,
    "\n  query AdjustmentBatch($batchId: ID!) {\n    adjustmentBatch(batchId: $batchId) { batchId pendingSteps reviews { party decision decidedBy note } }\n  }\n": types.AdjustmentBatchDocument,
    "\n  mutation SubmitAdjustments($input: SubmitAdjustmentsInput!) {\n    submitAdjustments(input: $input) { batch { batchId pendingSteps adjustments { id status } } }\n  }\n": types.SubmitAdjustmentsDocument,
    "\n  mutation ReviewAdjustments($input: ReviewAdjustmentsInput!) {\n    reviewAdjustments(input: $input) { batch { batchId pendingSteps } }\n  }\n": types.ReviewAdjustmentsDocument,
    "\n  mutation TownshipOpinion($input: TownshipOpinionInput!) {\n    giveTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n": types.TownshipOpinionDocument,
    "\n  mutation AnswerTownshipOpinion($input: AnswerTownshipOpinionInput!) {\n    answerTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n": types.AnswerTownshipOpinionDocument,
    "\n  mutation ReviewReshuffle($input: ReviewReshuffleInput!) {\n    reviewReshuffle(input: $input) { batch { batchId pendingSteps } }\n  }\n": types.ReviewReshuffleDocument,
    "\n  mutation MakeEffective($input: MakeEffectiveInput!) {\n    makeAdjustmentsEffective(input: $input) { batch { batchId pendingSteps } }\n  }\n": types.MakeEffectiveDocument,
    "\n  mutation DecideQuotaChange($input: DecideQuotaChangeInput!) {\n    decideQuotaChange(input: $input) { request { id status } }\n  }\n": types.DecideQuotaChangeDocument,
    "\n  query RosterFilters {\n    departments(first: 50) { nodes { id name } }\n    townships(first: 50) { nodes { id name } }\n  }\n": types.RosterFiltersDocument,
    "\n  query RosterPage($first: Int!, $after: String, $filter: CadreFilter) {\n    cadres(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id name professionalLine isEnforcement status postedOn ageBand idNumber phone sensitiveVisible\n        department { name } township { name } agency { name }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.RosterPageDocument,
    "\n  query ExportRoster($filter: CadreFilter) {\n    exportRoster(filter: $filter) { filename contentType contentBase64 }\n  }\n": types.ExportRosterDocument,
    "\n  mutation ImportRoster($input: ImportRosterInput!) {\n    importRoster(input: $input) { ok created errors { row column message } }\n  }\n": types.ImportRosterDocument,
    "\n  query MatterTypes {\n    matterTypes { code name }\n  }\n": types.MatterTypesDocument,
    "\n  query DispatchBoard($filter: GridEventFilter, $after: String) {\n    gridEvents(first: 50, after: $after, filter: $filter) {\n      nodes {\n        id matterType priority description location state source reportedAt allowedActions\n        township { id name } leadUnit { id name } assignee { id name }\n        deadline { phase dueAt warned overdue escalationLevel }\n        recommendation { unit { id name } cadre { id name } reason note }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.DispatchBoardDocument,
    "\n  query GridEventDetail($id: ID!) {\n    gridEvent(id: $id) {\n      id matterType priority description location state source reportedAt closedAt closingReason allowedActions\n      outsideLineReason\n      township { id name } leadUnit { id name } assignee { id name }\n      deadline { phase dueAt warned overdue escalationLevel }\n      recommendation { unit { id name } cadre { id name } reason note }\n      history { action source target actor reason at overdue }\n    }\n  }\n": types.GridEventDetailDocument,
    "\n  query PlatformUnits($townshipId: ID!) {\n    platformUnits(townshipId: $townshipId) { id name kind }\n  }\n": types.PlatformUnitsDocument,
    "\n  query DuplicateCandidates($eventId: ID!) {\n    duplicateCandidates(eventId: $eventId) { id matterType reportedAt location }\n  }\n": types.DuplicateCandidatesDocument,
    "\n  mutation ActOnEvent($input: EventActionInput!) {\n    actOnEvent(input: $input) { id state allowedActions }\n  }\n": types.ActOnEventDocument,
    "\n  query AssessmentCycles {\n    assessmentCycles {\n      id year kind period status townshipShare departmentShare shortlistShare round1Share round2Share\n      objectionDeadline rounding ties\n      departments { department { id name } status shortlistQuota round1Quota }\n    }\n  }\n": types.AssessmentCyclesDocument,
    "\n  mutation OpenCycle($input: OpenCycleInput!) {\n    openAssessmentCycle(input: $input) { id year status }\n  }\n": types.OpenCycleDocument,
    "\n  query CycleMembers($cycleId: ID!, $departmentId: ID, $townshipId: ID, $after: String) {\n    cycleMembers(cycleId: $cycleId, first: 100, after: $after, departmentId: $departmentId, townshipId: $townshipId) {\n      nodes {\n        cadre { id name township { name } department { name } }\n        township { id } department { id } townshipScore departmentScore total shortlisted excellentRound grade excused\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CycleMembersDocument,
    "\n  query ExcellencePlaces($cycleId: ID!, $departmentId: ID!) {\n    excellencePlaces(cycleId: $cycleId, departmentId: $departmentId) {\n      status round1Quota round1Used round1Remaining\n      townships { township { id name } quota used remaining submitted }\n    }\n  }\n": types.ExcellencePlacesDocument,
    "\n  mutation MakeShortlist($input: DepartmentFlowInput!) {\n    makeExcellenceShortlist(input: $input) { department { id } status shortlistQuota round1Quota }\n  }\n": types.MakeShortlistDocument,
    "\n  mutation SubmitRound1($input: Round1Input!) {\n    submitExcellenceRound1(input: $input) { department { id } status round1Quota }\n  }\n": types.SubmitRound1Document,
    "\n  mutation SubmitRound2($input: Round2Input!) {\n    submitExcellenceRound2(input: $input) { township { id } quota used remaining submitted }\n  }\n": types.SubmitRound2Document,
    "\n  mutation PublishResults($input: PublishInput!) {\n    publishAssessmentResults(input: $input) { id status objectionDeadline }\n  }\n": types.PublishResultsDocument,
    "\n  query Objections($cycleId: ID!, $openOnly: Boolean!) {\n    assessmentObjections(cycleId: $cycleId, openOnly: $openOnly) {\n      id text filedAt resolution resolvedBy cadre { id name township { name } department { name } } about { id } aboutName\n    }\n  }\n": types.ObjectionsDocument,
    "\n  query PublicityList($cycleId: ID!, $after: String) {\n    publicityList(cycleId: $cycleId, first: 100, after: $after) {\n      nodes { name agencyName excellentRound cadre { id } department { name } township { name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.PublicityListDocument,
    "\n  mutation FileObjection($input: FileObjectionInput!) {\n    fileAssessmentObjection(input: $input) { id text resolution }\n  }\n": types.FileObjectionDocument,
    "\n  mutation ResolveObjection($input: ResolveObjectionInput!) {\n    resolveAssessmentObjection(input: $input) { id resolution }\n  }\n": types.ResolveObjectionDocument,
    "\n  mutation ApproveResults($input: PublishInput!) {\n    approveAssessmentResults(input: $input) { id status }\n  }\n": types.ApproveResultsDocument,
    "\n  query MyPage($cadreId: ID!) {\n    cadre(id: $cadreId) {\n      id name professionalLine isEnforcement status postedOn nextMoveAllowedOn ageBand idNumber phone\n      politicalStatus rank education enforcementCertNo enforcementCertExpiry\n      department { name } township { name } agency { name }\n      postings { role startDate endDate agency { name township { name } } }\n      assessmentResults { year grade }\n    }\n    gridEvents(first: 20, filter: { assigneeCadreId: $cadreId }) {\n      nodes { id matterType state reportedAt deadline { dueAt overdue warned } }\n    }\n  }\n": types.MyPageDocument,
    "\n  query InboxSummary {\n    myInboxSummary { open overdue }\n  }\n": types.InboxSummaryDocument,
    "\n  query NotificationSettings {\n    myNotificationSettings { digest quietHours reachable byKind { kind channels } }\n  }\n": types.NotificationSettingsDocument,
    "\n  mutation SetNotificationSettings($input: NotificationSettingsInput!) {\n    setNotificationSettings(input: $input) { digest quietHours reachable byKind { kind channels } }\n  }\n": types.SetNotificationSettingsDocument,
    "\n  query Inbox($status: InboxStatus, $after: String) {\n    myInbox(first: 50, after: $after, filter: { status: $status }) {\n      nodes { id kind title link dueAt createdAt doneAt urgent information }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.InboxDocument,
    "\n  mutation MarkInboxItemRead($id: ID!) {\n    markInboxItemRead(id: $id) { id doneAt }\n  }\n": types.MarkInboxItemReadDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { subject username name roleBindings { role scopeKind scopeId } }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountyOverview {\n    county: rosterStructure(by: COUNTY) {\n      quota inPost fillRate enforcement enforcementShare young middle old averageAge\n      tenureUnder1 tenure1To2 tenure2To5 tenure5Plus\n    }\n    byDepartment: vacancies(by: DEPARTMENT) { department { id name } quota inPost incoming vacancy fillRate }\n    reminderStatistics { notices closed overdue replenished }\n    reminderNotices(openOnly: true, first: 50) {\n      nodes { id deadline vacanciesAtIssue replenished overdue status issuedAt department { name } }\n    }\n  }\n"): typeof import('./graphql').CountyOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IssueReminders($input: IssueRemindersInput!) {\n    issueReminders(input: $input) { notices { id deadline department { name } } }\n  }\n"): typeof import('./graphql').IssueRemindersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuotaScreen($departmentId: ID, $after: String) {\n    departments(first: 50) { nodes { id name quotaTotal } }\n    agencies(first: 100, departmentId: $departmentId) {\n      nodes { id name quota inPost incoming available vacancy township { name } department { id name } }\n    }\n    quotaChangeRequests(first: 20) {\n      nodes { id status oldTotal newTotal reason requestedBy requestedAt decidedAt decisionNote department { name } }\n    }\n    adjustments(first: 20, after: $after, departmentId: $departmentId) {\n      nodes {\n        id batchId kind status effectiveDate reason tenureExceptionReason orgReview orgReviewNote townshipOpinion townshipOpinionNote townshipOpinionNeeded opinionAnswer replenishment\n        requestedAt newcomerName cadre { id name } fromAgency { name township { name } } toAgency { name township { name } }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').QuotaScreenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdjustmentBatch($batchId: ID!) {\n    adjustmentBatch(batchId: $batchId) { batchId pendingSteps reviews { party decision decidedBy note } }\n  }\n"): typeof import('./graphql').AdjustmentBatchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitAdjustments($input: SubmitAdjustmentsInput!) {\n    submitAdjustments(input: $input) { batch { batchId pendingSteps adjustments { id status } } }\n  }\n"): typeof import('./graphql').SubmitAdjustmentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewAdjustments($input: ReviewAdjustmentsInput!) {\n    reviewAdjustments(input: $input) { batch { batchId pendingSteps } }\n  }\n"): typeof import('./graphql').ReviewAdjustmentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TownshipOpinion($input: TownshipOpinionInput!) {\n    giveTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n"): typeof import('./graphql').TownshipOpinionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerTownshipOpinion($input: AnswerTownshipOpinionInput!) {\n    answerTownshipOpinion(input: $input) { batch { batchId pendingSteps } }\n  }\n"): typeof import('./graphql').AnswerTownshipOpinionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewReshuffle($input: ReviewReshuffleInput!) {\n    reviewReshuffle(input: $input) { batch { batchId pendingSteps } }\n  }\n"): typeof import('./graphql').ReviewReshuffleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MakeEffective($input: MakeEffectiveInput!) {\n    makeAdjustmentsEffective(input: $input) { batch { batchId pendingSteps } }\n  }\n"): typeof import('./graphql').MakeEffectiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecideQuotaChange($input: DecideQuotaChangeInput!) {\n    decideQuotaChange(input: $input) { request { id status } }\n  }\n"): typeof import('./graphql').DecideQuotaChangeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RosterFilters {\n    departments(first: 50) { nodes { id name } }\n    townships(first: 50) { nodes { id name } }\n  }\n"): typeof import('./graphql').RosterFiltersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RosterPage($first: Int!, $after: String, $filter: CadreFilter) {\n    cadres(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id name professionalLine isEnforcement status postedOn ageBand idNumber phone sensitiveVisible\n        department { name } township { name } agency { name }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').RosterPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportRoster($filter: CadreFilter) {\n    exportRoster(filter: $filter) { filename contentType contentBase64 }\n  }\n"): typeof import('./graphql').ExportRosterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportRoster($input: ImportRosterInput!) {\n    importRoster(input: $input) { ok created errors { row column message } }\n  }\n"): typeof import('./graphql').ImportRosterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MatterTypes {\n    matterTypes { code name }\n  }\n"): typeof import('./graphql').MatterTypesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DispatchBoard($filter: GridEventFilter, $after: String) {\n    gridEvents(first: 50, after: $after, filter: $filter) {\n      nodes {\n        id matterType priority description location state source reportedAt allowedActions\n        township { id name } leadUnit { id name } assignee { id name }\n        deadline { phase dueAt warned overdue escalationLevel }\n        recommendation { unit { id name } cadre { id name } reason note }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').DispatchBoardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GridEventDetail($id: ID!) {\n    gridEvent(id: $id) {\n      id matterType priority description location state source reportedAt closedAt closingReason allowedActions\n      outsideLineReason\n      township { id name } leadUnit { id name } assignee { id name }\n      deadline { phase dueAt warned overdue escalationLevel }\n      recommendation { unit { id name } cadre { id name } reason note }\n      history { action source target actor reason at overdue }\n    }\n  }\n"): typeof import('./graphql').GridEventDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlatformUnits($townshipId: ID!) {\n    platformUnits(townshipId: $townshipId) { id name kind }\n  }\n"): typeof import('./graphql').PlatformUnitsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DuplicateCandidates($eventId: ID!) {\n    duplicateCandidates(eventId: $eventId) { id matterType reportedAt location }\n  }\n"): typeof import('./graphql').DuplicateCandidatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ActOnEvent($input: EventActionInput!) {\n    actOnEvent(input: $input) { id state allowedActions }\n  }\n"): typeof import('./graphql').ActOnEventDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AssessmentCycles {\n    assessmentCycles {\n      id year kind period status townshipShare departmentShare shortlistShare round1Share round2Share\n      objectionDeadline rounding ties\n      departments { department { id name } status shortlistQuota round1Quota }\n    }\n  }\n"): typeof import('./graphql').AssessmentCyclesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenCycle($input: OpenCycleInput!) {\n    openAssessmentCycle(input: $input) { id year status }\n  }\n"): typeof import('./graphql').OpenCycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CycleMembers($cycleId: ID!, $departmentId: ID, $townshipId: ID, $after: String) {\n    cycleMembers(cycleId: $cycleId, first: 100, after: $after, departmentId: $departmentId, townshipId: $townshipId) {\n      nodes {\n        cadre { id name township { name } department { name } }\n        township { id } department { id } townshipScore departmentScore total shortlisted excellentRound grade excused\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').CycleMembersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExcellencePlaces($cycleId: ID!, $departmentId: ID!) {\n    excellencePlaces(cycleId: $cycleId, departmentId: $departmentId) {\n      status round1Quota round1Used round1Remaining\n      townships { township { id name } quota used remaining submitted }\n    }\n  }\n"): typeof import('./graphql').ExcellencePlacesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MakeShortlist($input: DepartmentFlowInput!) {\n    makeExcellenceShortlist(input: $input) { department { id } status shortlistQuota round1Quota }\n  }\n"): typeof import('./graphql').MakeShortlistDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitRound1($input: Round1Input!) {\n    submitExcellenceRound1(input: $input) { department { id } status round1Quota }\n  }\n"): typeof import('./graphql').SubmitRound1Document;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitRound2($input: Round2Input!) {\n    submitExcellenceRound2(input: $input) { township { id } quota used remaining submitted }\n  }\n"): typeof import('./graphql').SubmitRound2Document;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishResults($input: PublishInput!) {\n    publishAssessmentResults(input: $input) { id status objectionDeadline }\n  }\n"): typeof import('./graphql').PublishResultsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Objections($cycleId: ID!, $openOnly: Boolean!) {\n    assessmentObjections(cycleId: $cycleId, openOnly: $openOnly) {\n      id text filedAt resolution resolvedBy cadre { id name township { name } department { name } } about { id } aboutName\n    }\n  }\n"): typeof import('./graphql').ObjectionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PublicityList($cycleId: ID!, $after: String) {\n    publicityList(cycleId: $cycleId, first: 100, after: $after) {\n      nodes { name agencyName excellentRound cadre { id } department { name } township { name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').PublicityListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FileObjection($input: FileObjectionInput!) {\n    fileAssessmentObjection(input: $input) { id text resolution }\n  }\n"): typeof import('./graphql').FileObjectionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveObjection($input: ResolveObjectionInput!) {\n    resolveAssessmentObjection(input: $input) { id resolution }\n  }\n"): typeof import('./graphql').ResolveObjectionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveResults($input: PublishInput!) {\n    approveAssessmentResults(input: $input) { id status }\n  }\n"): typeof import('./graphql').ApproveResultsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyPage($cadreId: ID!) {\n    cadre(id: $cadreId) {\n      id name professionalLine isEnforcement status postedOn nextMoveAllowedOn ageBand idNumber phone\n      politicalStatus rank education enforcementCertNo enforcementCertExpiry\n      department { name } township { name } agency { name }\n      postings { role startDate endDate agency { name township { name } } }\n      assessmentResults { year grade }\n    }\n    gridEvents(first: 20, filter: { assigneeCadreId: $cadreId }) {\n      nodes { id matterType state reportedAt deadline { dueAt overdue warned } }\n    }\n  }\n"): typeof import('./graphql').MyPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InboxSummary {\n    myInboxSummary { open overdue }\n  }\n"): typeof import('./graphql').InboxSummaryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationSettings {\n    myNotificationSettings { digest quietHours reachable byKind { kind channels } }\n  }\n"): typeof import('./graphql').NotificationSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetNotificationSettings($input: NotificationSettingsInput!) {\n    setNotificationSettings(input: $input) { digest quietHours reachable byKind { kind channels } }\n  }\n"): typeof import('./graphql').SetNotificationSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox($status: InboxStatus, $after: String) {\n    myInbox(first: 50, after: $after, filter: { status: $status }) {\n      nodes { id kind title link dueAt createdAt doneAt urgent information }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').InboxDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkInboxItemRead($id: ID!) {\n    markInboxItemRead(id: $id) { id doneAt }\n  }\n"): typeof import('./graphql').MarkInboxItemReadDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

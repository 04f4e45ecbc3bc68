/** Every operation the console sends: one query per screen, one mutation per action. graphql-codegen
 * reads this file and types each operation's variables and result (src/gql). */
import { graphql } from '../gql';

export const MeQuery = graphql(`
  query Me {
    me { subject username name roleBindings { role scopeKind scopeId } }
  }
`);

export const CountyOverviewQuery = graphql(`
  query CountyOverview {
    county: rosterStructure(by: COUNTY) {
      quota inPost fillRate enforcement enforcementShare young middle old averageAge
      tenureUnder1 tenure1To2 tenure2To5 tenure5Plus
    }
    byDepartment: vacancies(by: DEPARTMENT) { department { id name } quota inPost incoming vacancy fillRate }
    reminderStatistics { notices closed overdue replenished }
    reminderNotices(openOnly: true, first: 50) {
      nodes { id deadline vacanciesAtIssue replenished overdue status issuedAt department { name } }
    }
  }
`);

export const IssueRemindersMutation = graphql(`
  mutation IssueReminders($input: IssueRemindersInput!) {
    issueReminders(input: $input) { notices { id deadline department { name } } }
  }
`);

export const QuotaScreenQuery = graphql(`
  query QuotaScreen($departmentId: ID, $after: String) {
    departments(first: 50) { nodes { id name quotaTotal } }
    agencies(first: 100, departmentId: $departmentId) {
      nodes { id name quota inPost incoming available vacancy township { name } department { id name } }
    }
    quotaChangeRequests(first: 20) {
      nodes { id status oldTotal newTotal reason requestedBy requestedAt decidedAt decisionNote department { name } }
    }
    adjustments(first: 20, after: $after, departmentId: $departmentId) {
      nodes {
        id batchId kind status effectiveDate reason tenureExceptionReason orgReview orgReviewNote townshipOpinion townshipOpinionNote townshipOpinionNeeded opinionAnswer replenishment
        requestedAt newcomerName cadre { id name } fromAgency { name township { name } } toAgency { name township { name } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const AdjustmentBatchQuery = graphql(`
  query AdjustmentBatch($batchId: ID!) {
    adjustmentBatch(batchId: $batchId) { batchId pendingSteps reviews { party decision decidedBy note } }
  }
`);

export const SubmitAdjustmentsMutation = graphql(`
  mutation SubmitAdjustments($input: SubmitAdjustmentsInput!) {
    submitAdjustments(input: $input) { batch { batchId pendingSteps adjustments { id status } } }
  }
`);

export const ReviewAdjustmentsMutation = graphql(`
  mutation ReviewAdjustments($input: ReviewAdjustmentsInput!) {
    reviewAdjustments(input: $input) { batch { batchId pendingSteps } }
  }
`);

export const TownshipOpinionMutation = graphql(`
  mutation TownshipOpinion($input: TownshipOpinionInput!) {
    giveTownshipOpinion(input: $input) { batch { batchId pendingSteps } }
  }
`);

export const AnswerTownshipOpinionMutation = graphql(`
  mutation AnswerTownshipOpinion($input: AnswerTownshipOpinionInput!) {
    answerTownshipOpinion(input: $input) { batch { batchId pendingSteps } }
  }
`);

export const ReviewReshuffleMutation = graphql(`
  mutation ReviewReshuffle($input: ReviewReshuffleInput!) {
    reviewReshuffle(input: $input) { batch { batchId pendingSteps } }
  }
`);

export const MakeEffectiveMutation = graphql(`
  mutation MakeEffective($input: MakeEffectiveInput!) {
    makeAdjustmentsEffective(input: $input) { batch { batchId pendingSteps } }
  }
`);

export const DecideQuotaChangeMutation = graphql(`
  mutation DecideQuotaChange($input: DecideQuotaChangeInput!) {
    decideQuotaChange(input: $input) { request { id status } }
  }
`);

export const RosterFiltersQuery = graphql(`
  query RosterFilters {
    departments(first: 50) { nodes { id name } }
    townships(first: 50) { nodes { id name } }
  }
`);

export const RosterPageQuery = graphql(`
  query RosterPage($first: Int!, $after: String, $filter: CadreFilter) {
    cadres(first: $first, after: $after, filter: $filter) {
      nodes {
        id name professionalLine isEnforcement status postedOn ageBand idNumber phone sensitiveVisible
        department { name } township { name } agency { name }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const ExportRosterQuery = graphql(`
  query ExportRoster($filter: CadreFilter) {
    exportRoster(filter: $filter) { filename contentType contentBase64 }
  }
`);

export const ImportRosterMutation = graphql(`
  mutation ImportRoster($input: ImportRosterInput!) {
    importRoster(input: $input) { ok created errors { row column message } }
  }
`);

/** The matter types' names, once per visit of the board (they do not change while it polls). */
export const MatterTypesQuery = graphql(`
  query MatterTypes {
    matterTypes { code name }
  }
`);

export const DispatchBoardQuery = graphql(`
  query DispatchBoard($filter: GridEventFilter, $after: String) {
    gridEvents(first: 50, after: $after, filter: $filter) {
      nodes {
        id matterType priority description location state source reportedAt allowedActions
        township { id name } leadUnit { id name } assignee { id name }
        deadline { phase dueAt warned overdue escalationLevel }
        recommendation { unit { id name } cadre { id name } reason note }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const GridEventQuery = graphql(`
  query GridEventDetail($id: ID!) {
    gridEvent(id: $id) {
      id matterType priority description location state source reportedAt closedAt closingReason allowedActions
      outsideLineReason
      township { id name } leadUnit { id name } assignee { id name }
      deadline { phase dueAt warned overdue escalationLevel }
      recommendation { unit { id name } cadre { id name } reason note }
      history { action source target actor reason at overdue }
    }
  }
`);

export const PlatformUnitsQuery = graphql(`
  query PlatformUnits($townshipId: ID!) {
    platformUnits(townshipId: $townshipId) { id name kind }
  }
`);

export const DuplicateCandidatesQuery = graphql(`
  query DuplicateCandidates($eventId: ID!) {
    duplicateCandidates(eventId: $eventId) { id matterType reportedAt location }
  }
`);

export const ActOnEventMutation = graphql(`
  mutation ActOnEvent($input: EventActionInput!) {
    actOnEvent(input: $input) { id state allowedActions }
  }
`);

export const AssessmentCyclesQuery = graphql(`
  query AssessmentCycles {
    assessmentCycles {
      id year kind period status townshipShare departmentShare shortlistShare round1Share round2Share
      objectionDeadline rounding ties
      departments { department { id name } status shortlistQuota round1Quota }
    }
  }
`);

export const OpenCycleMutation = graphql(`
  mutation OpenCycle($input: OpenCycleInput!) {
    openAssessmentCycle(input: $input) { id year status }
  }
`);

export const CycleMembersQuery = graphql(`
  query CycleMembers($cycleId: ID!, $departmentId: ID, $townshipId: ID, $after: String) {
    cycleMembers(cycleId: $cycleId, first: 100, after: $after, departmentId: $departmentId, townshipId: $townshipId) {
      nodes {
        cadre { id name township { name } department { name } }
        township { id } department { id } townshipScore departmentScore total shortlisted excellentRound grade excused
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const ExcellencePlacesQuery = graphql(`
  query ExcellencePlaces($cycleId: ID!, $departmentId: ID!) {
    excellencePlaces(cycleId: $cycleId, departmentId: $departmentId) {
      status round1Quota round1Used round1Remaining
      townships { township { id name } quota used remaining submitted }
    }
  }
`);

export const MakeShortlistMutation = graphql(`
  mutation MakeShortlist($input: DepartmentFlowInput!) {
    makeExcellenceShortlist(input: $input) { department { id } status shortlistQuota round1Quota }
  }
`);

export const Round1Mutation = graphql(`
  mutation SubmitRound1($input: Round1Input!) {
    submitExcellenceRound1(input: $input) { department { id } status round1Quota }
  }
`);

export const Round2Mutation = graphql(`
  mutation SubmitRound2($input: Round2Input!) {
    submitExcellenceRound2(input: $input) { township { id } quota used remaining submitted }
  }
`);

export const PublishResultsMutation = graphql(`
  mutation PublishResults($input: PublishInput!) {
    publishAssessmentResults(input: $input) { id status objectionDeadline }
  }
`);

export const ObjectionsQuery = graphql(`
  query Objections($cycleId: ID!, $openOnly: Boolean!) {
    assessmentObjections(cycleId: $cycleId, openOnly: $openOnly) {
      id text filedAt resolution resolvedBy cadre { id name township { name } department { name } } about { id } aboutName
    }
  }
`);

export const PublicityListQuery = graphql(`
  query PublicityList($cycleId: ID!, $after: String) {
    publicityList(cycleId: $cycleId, first: 100, after: $after) {
      nodes { name agencyName excellentRound cadre { id } department { name } township { name } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const FileObjectionMutation = graphql(`
  mutation FileObjection($input: FileObjectionInput!) {
    fileAssessmentObjection(input: $input) { id text resolution }
  }
`);

export const ResolveObjectionMutation = graphql(`
  mutation ResolveObjection($input: ResolveObjectionInput!) {
    resolveAssessmentObjection(input: $input) { id resolution }
  }
`);

export const ApproveResultsMutation = graphql(`
  mutation ApproveResults($input: PublishInput!) {
    approveAssessmentResults(input: $input) { id status }
  }
`);

export const MyPageQuery = graphql(`
  query MyPage($cadreId: ID!) {
    cadre(id: $cadreId) {
      id name professionalLine isEnforcement status postedOn nextMoveAllowedOn ageBand idNumber phone
      politicalStatus rank education enforcementCertNo enforcementCertExpiry
      department { name } township { name } agency { name }
      postings { role startDate endDate agency { name township { name } } }
      assessmentResults { year grade }
    }
    gridEvents(first: 20, filter: { assigneeCadreId: $cadreId }) {
      nodes { id matterType state reportedAt deadline { dueAt overdue warned } }
    }
  }
`);

export const InboxSummaryQuery = graphql(`
  query InboxSummary {
    myInboxSummary { open overdue }
  }
`);

export const NotificationSettingsQuery = graphql(`
  query NotificationSettings {
    myNotificationSettings { digest quietHours reachable byKind { kind channels } }
  }
`);

export const SetNotificationSettingsMutation = graphql(`
  mutation SetNotificationSettings($input: NotificationSettingsInput!) {
    setNotificationSettings(input: $input) { digest quietHours reachable byKind { kind channels } }
  }
`);

export const InboxQuery = graphql(`
  query Inbox($status: InboxStatus, $after: String) {
    myInbox(first: 50, after: $after, filter: { status: $status }) {
      nodes { id kind title link dueAt createdAt doneAt urgent information }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const MarkInboxItemReadMutation = graphql(`
  mutation MarkInboxItemRead($id: ID!) {
    markInboxItemRead(id: $id) { id doneAt }
  }
`);

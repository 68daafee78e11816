/**
 * THE errcode table: every code and text wxkf answers on the WeChat side. Texts are WeChat's own,
 * as captured in public reports. Codes are never renumbered or reused.
 * `{ip}` in a text is filled in when the error is raised.
 */
export const ERR = {
  SYSTEM_ERROR: { errcode: -1, errmsg: 'system error' },
  OK: { errcode: 0, errmsg: 'ok' },
  INVALID_CREDENTIAL: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' },
  INVALID_GRANT_TYPE: { errcode: 40002, errmsg: 'invalid grant_type' },
  INVALID_OPENID: { errcode: 40003, errmsg: 'invalid openid' },
  INVALID_FILE_TYPE: { errcode: 40005, errmsg: 'invalid file type' },
  INVALID_MESSAGE_TYPE: { errcode: 40008, errmsg: 'invalid message type' },
  INVALID_IMAGE_SIZE: { errcode: 40009, errmsg: 'invalid image size' },
  INVALID_APPID: { errcode: 40013, errmsg: 'invalid appid' },
  INVALID_URL: { errcode: 40066, errmsg: 'invalid url' },
  // WeChat's general code for a bad argument (captured on kfaccount/add); a message's missing field.
  INVALID_ARGS: { errcode: 40097, errmsg: 'invalid args' },
  INVALID_APPSECRET: { errcode: 40125, errmsg: 'invalid appsecret' },
  IP_NOT_IN_WHITELIST: { errcode: 40164, errmsg: 'invalid ip {ip} ipv6 ::ffff:{ip}, not in whitelist' },
  INVALID_ACCOUNT_TYPE: { errcode: 40200, errmsg: 'invalid account type' },
  // WeChat gives no public text for a frozen AppSecret; this one is wxkf's.
  APPSECRET_FROZEN: { errcode: 40243, errmsg: 'appsecret is frozen' },
  ACCESS_TOKEN_MISSING: { errcode: 41001, errmsg: 'access_token missing' },
  APPID_MISSING: { errcode: 41002, errmsg: 'appid missing' },
  APPSECRET_MISSING: { errcode: 41004, errmsg: 'appsecret missing' },
  MEDIA_DATA_MISSING: { errcode: 41005, errmsg: 'media data missing' },
  ACCESS_TOKEN_EXPIRED: { errcode: 42001, errmsg: 'access_token expired' },
  REQUIRE_GET: { errcode: 43001, errmsg: 'require GET method' },
  REQUIRE_POST: { errcode: 43002, errmsg: 'require POST method' },
  EMPTY_POST_DATA: { errcode: 44002, errmsg: 'empty post data' },
  EMPTY_CONTENT: { errcode: 44004, errmsg: 'empty content' },
  // WeChat does not publish the limit: 2048 bytes of UTF-8 in a text is what was measured.
  CONTENT_TOO_LONG: { errcode: 45002, errmsg: 'content size out of limit' },
  ARTICLE_SIZE_OUT_OF_LIMIT: { errcode: 45008, errmsg: 'article size out of limit' },
  DAILY_QUOTA_REACHED: { errcode: 45009, errmsg: 'reach max api daily quota limit' },
  MINUTE_QUOTA_REACHED: { errcode: 45011, errmsg: 'api minute-quota reach limit, must slower, retry next minute' },
  RESPONSE_OUT_OF_TIME: { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' },
  RESPONSE_COUNT_LIMIT: { errcode: 45047, errmsg: 'out of response count limit' },
  INVALID_TYPING_COMMAND: { errcode: 45072, errmsg: 'invalid command' },
  // The code table's text, misspelling and double space included.
  TYPING_NEEDS_EXCHANGE: {
    errcode: 45080,
    errmsg: 'need sending message to user  orrecving message from user in the last 30 seconds before typing',
  },
  ALREADY_TYPING: { errcode: 45081, errmsg: 'you are already typing' },
  DATA_FORMAT_ERROR: { errcode: 47001, errmsg: 'data format error' },
  API_UNAUTHORIZED: { errcode: 48001, errmsg: 'api unauthorized' },
  CLEAR_QUOTA_FORBIDDEN: { errcode: 48006, errmsg: 'forbid to clear quota because of reaching the limit' },
  COMPONENT_NOT_AUTHORIZED: { errcode: 61003, errmsg: 'component is not authorized by this account' },
  COMPONENT_TICKET_EXPIRED: { errcode: 61005, errmsg: 'component ticket is expired' },
  COMPONENT_TICKET_INVALID: { errcode: 61006, errmsg: 'component ticket is invalid' },
  API_UNAUTHORIZED_TO_COMPONENT: { errcode: 61007, errmsg: 'api is unauthorized to component' },
  AUTH_CODE_EXPIRED: { errcode: 61010, errmsg: 'code is expired' },
  INVALID_COMPONENT: { errcode: 61011, errmsg: 'invalid component' },
  MUST_USE_COMPONENT_TOKEN: { errcode: 61014, errmsg: 'must use component token for component api' },
  REFRESH_TOKEN_INVALID: { errcode: 61023, errmsg: 'refresh_token is invalid' },
  KF_NOT_ENABLED: {
    errcode: 65400,
    // The doc page's table lacks the comma; the API's answer has it (weixin/WeIndex#9).
    errmsg: 'please enable new custom service, or wait for a while if you have enabled',
  },
  KF_ACCOUNT_NOT_FOUND: { errcode: 65401, errmsg: 'invalid custom service account' },
  KF_ACCOUNT_NOT_BOUND: { errcode: 65402, errmsg: 'the custom service account need to bind a wechat user' },
  KF_NICKNAME_ILLEGAL: { errcode: 65403, errmsg: 'illegal nickname' },
  KF_ACCOUNT_ILLEGAL: { errcode: 65404, errmsg: 'illegal custom service account' },
  KF_ACCOUNT_LIMIT: { errcode: 65405, errmsg: 'custom service account number reach limit' },
  KF_ACCOUNT_EXISTS: { errcode: 65406, errmsg: 'custom service account exists' },
  KF_WORKER_ALREADY: { errcode: 65407, errmsg: 'the wechat user have been one of your workers' },
  KF_ALREADY_INVITED: { errcode: 65408, errmsg: 'you have already invited the wechat user' },
  KF_WECHAT_ACCOUNT_INVALID: { errcode: 65409, errmsg: 'wechat account invalid' },
  KF_WORKER_BOUND_TOO_MANY: { errcode: 65410, errmsg: 'too many custom service accounts bound by the worker' },
  KF_INVITATION_EXISTS: {
    errcode: 65411,
    errmsg: 'a effective invitation to bind the custom service account exists',
  },
  KF_ACCOUNT_BOUND: { errcode: 65412, errmsg: 'the custom service account have been bound by a wechat user' },
  KF_NO_SESSION: { errcode: 65413, errmsg: 'no effective session for the customer' },
  KF_ANOTHER_WORKER: { errcode: 65414, errmsg: 'another worker is serving the customer' },
  KF_WORKER_OFFLINE: { errcode: 65415, errmsg: 'the worker is not online' },
  // 65416 is what WeChat answered for millisecond times; 65417's English text is wxkf's (SDK tables give only its meaning).
  KF_PARAM_INVALID: { errcode: 65416, errmsg: 'param invalid, please check' },
  KF_TIME_RANGE_OUT_OF_LIMIT: { errcode: 65417, errmsg: 'query time range out of limit' },
  RID_NOT_FOUND: { errcode: 76001, errmsg: 'rid not found' },
  RID_ERROR: { errcode: 76002, errmsg: 'rid is error' },
  RID_NO_PERMISSION: { errcode: 76003, errmsg: 'could not query this rid,no permission' },
  CGI_PATH_NOT_FOUND: { errcode: 76021, errmsg: 'cgi_path not found, please check' },
  CGI_PATH_NO_PERMISSION: { errcode: 76022, errmsg: 'could not use this cgi_path,no permission' },
} as const satisfies Record<string, { errcode: number; errmsg: string }>;

export type ErrName = keyof typeof ERR;
export type ErrEntry = (typeof ERR)[ErrName];

const byCode = new Map<number, ErrName>((Object.keys(ERR) as ErrName[]).map((name) => [ERR[name].errcode, name]));

/** The table's name for a numeric errcode, if wxkf knows it. */
export function errNameOf(errcode: number): ErrName | undefined {
  return byCode.get(errcode);
}
